"""Tests of the Shell Recharge client against the fake Shell cloud."""
