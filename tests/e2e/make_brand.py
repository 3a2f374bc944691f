"""Draw the integration's brand images (custom_components/blue_current/brand/*.png).

Home Assistant serves a custom integration's icon and logo from its `brand/` folder. These are
simple drawings of our own (a charging bolt in a blue drop), made reproducible by this script:

    python -m tests.e2e.make_brand
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BRAND = Path(__file__).resolve().parents[2] / "custom_components" / "blue_current" / "brand"

BLUE = (0, 92, 230, 255)
LIGHT_BLUE = (77, 163, 255, 255)
WHITE = (255, 255, 255, 255)
INK = (16, 36, 64, 255)
CLEAR = (0, 0, 0, 0)

# A bolt in a 100 x 100 box, drawn at any size.
BOLT = [(58, 8), (24, 56), (46, 56), (38, 92), (76, 40), (54, 40), (64, 8)]


def _badge(size: int, fill: tuple[int, ...]) -> Image.Image:
    """A round badge with a white bolt, `size` pixels square, transparent around it."""
    scale = 4  # draw large and shrink: smooth edges without anti-aliasing support
    big = size * scale
    image = Image.new("RGBA", (big, big), CLEAR)
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, big - 1, big - 1), fill=fill)
    inset = big * 0.14
    span = big - 2 * inset
    draw.polygon([(inset + x * span / 100, inset + y * span / 100) for x, y in BOLT], fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def icon(size: int, *, dark: bool) -> Image.Image:
    """The square icon."""
    return _badge(size, LIGHT_BLUE if dark else BLUE)


def logo(height: int, *, dark: bool) -> Image.Image:
    """The badge and the name beside it, `height` pixels high, landscape."""
    font = ImageFont.load_default(size=round(height * 0.42))
    text = "Blue Current"
    left, top, right, bottom = font.getbbox(text)
    gap = round(height * 0.2)
    width = height + gap + (right - left) + round(height * 0.05)
    width += width % 2  # even, so the 1x logo is exactly half of the @2x one
    image = Image.new("RGBA", (width, height), CLEAR)
    image.alpha_composite(icon(height, dark=dark))
    draw = ImageDraw.Draw(image)
    y = (height - (bottom - top)) / 2 - top
    draw.text((height + gap - left, y), text, font=font, fill=WHITE if dark else INK)
    return image


def main() -> None:
    """Write the eight images."""
    BRAND.mkdir(exist_ok=True)
    for dark in (False, True):
        prefix = "dark_" if dark else ""
        for suffix, factor in (("", 1), ("@2x", 2)):
            icon(256 * factor, dark=dark).save(BRAND / f"{prefix}icon{suffix}.png", optimize=True)
        double = logo(256, dark=dark)
        double.save(BRAND / f"{prefix}logo@2x.png", optimize=True)
        single = double.resize((double.width // 2, 128), Image.Resampling.LANCZOS)
        single.save(BRAND / f"{prefix}logo.png", optimize=True)


if __name__ == "__main__":
    main()
