"""Home Assistant tests of Shell Recharge card entries, against the Shell simulator."""
