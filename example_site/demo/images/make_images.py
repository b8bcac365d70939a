"""Draw the demo's pictures and the favicon (CC0, see LICENSE): shapes and gradients only.

    .venv/bin/python example_site/demo/images/make_images.py

writes home.png, petition.png, pledge.png and guide.png next to this file (1200 x 675,
what the pages crop to) and example_site/static/favicon.ico. Drawn at twice the size and
scaled down, for smooth edges. The PNGs are committed; run this only to change them.
"""

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
STATIC = HERE.parent.parent / "static"
W, H = 1200, 675
S = 2  # supersampling factor

RED = (163, 18, 43)
DARK_RED = (110, 10, 30)
CREAM = (253, 242, 228)
GOLD = (244, 177, 61)
ORANGE = (232, 110, 62)
TEAL = (22, 110, 120)
NAVY = (28, 42, 74)
WHITE = (255, 255, 255)
GREY = (214, 214, 214)


def canvas(top, bottom):
    """A vertical gradient from ``top`` to ``bottom``."""
    image = Image.new("RGB", (W * S, H * S))
    draw = ImageDraw.Draw(image)
    for y in range(H * S):
        t = y / (H * S - 1)
        color = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (W * S, y)], fill=color)
    return image, draw


def box(x0, y0, x1, y1):
    return [x0 * S, y0 * S, x1 * S, y1 * S]


def points(*xy):
    return [(x * S, y * S) for x, y in xy]


def save(image, name):
    image.resize((W, H), Image.LANCZOS).save(HERE / name, optimize=True)


def house(draw, x, y, w, h, wall, roof, window=GOLD):
    draw.rectangle(box(x, y, x + w, y + h), fill=wall)
    draw.polygon(points((x - 12, y), (x + w / 2, y - h * 0.55), (x + w + 12, y)), fill=roof)
    draw.rectangle(box(x + w * 0.38, y + h * 0.45, x + w * 0.62, y + h), fill=roof)
    for wx in (x + w * 0.12, x + w * 0.68):
        draw.rectangle(box(wx, y + h * 0.22, wx + w * 0.2, y + h * 0.42), fill=window)


def home():
    """Houses on a street at sunrise."""
    image, draw = canvas((255, 214, 150), CREAM)
    draw.ellipse(box(760, 90, 1040, 370), fill=GOLD)
    for i in range(12):  # rays
        angle = math.pi * (1 + i / 11)
        x, y = 900 + 230 * math.cos(angle), 230 + 230 * math.sin(angle)
        draw.line(points((900, 230), (x, y)), fill=(250, 196, 92), width=6 * S)
    draw.ellipse(box(790, 120, 1010, 340), fill=GOLD)
    draw.rectangle(box(0, 560, W, H), fill=(120, 150, 90))
    draw.rectangle(box(0, 600, W, H), fill=(90, 120, 70))
    palette = [(RED, DARK_RED), (TEAL, NAVY), (ORANGE, DARK_RED), (NAVY, RED), (TEAL, DARK_RED)]
    x = 40
    for i, (wall, roof) in enumerate(palette * 2):
        w = 150 if i % 2 else 120
        h = 170 if i % 3 else 210
        house(draw, x, 560 - h, w, h, wall, roof)
        x += w + 38
        if x > W:
            break
    save(image, "home.png")


def petition():
    """City hall with a dome and columns, and a rolled petition in front."""
    image, draw = canvas((176, 214, 230), CREAM)
    draw.rectangle(box(0, 580, W, H), fill=GREY)
    draw.rectangle(box(300, 300, 900, 560), fill=WHITE)
    draw.polygon(points((280, 300), (600, 170), (920, 300)), fill=(240, 236, 228))
    draw.ellipse(box(520, 60, 680, 220), fill=TEAL)
    draw.rectangle(box(520, 140, 680, 200), fill=TEAL)
    draw.rectangle(box(594, 20, 606, 70), fill=NAVY)
    draw.polygon(points((606, 22), (660, 34), (606, 48)), fill=RED)
    for i in range(7):
        cx = 330 + i * 90
        draw.rectangle(box(cx, 320, cx + 32, 540), fill=(228, 224, 214))
    for i, y in enumerate((540, 560, 580)):
        draw.rectangle(box(270 - i * 20, y, 930 + i * 20, y + 20), fill=(200, 196, 188))
    # the petition: a sheet with lines and a signature stroke
    draw.rounded_rectangle(
        box(860, 380, 1100, 640), radius=14 * S, fill=WHITE, outline=NAVY, width=4 * S
    )
    for y in range(420, 560, 28):
        draw.line(points((890, y), (1070, y)), fill=GREY, width=6 * S)
    draw.line(
        points((890, 600), (930, 580), (960, 610), (1000, 575), (1050, 600)),
        fill=RED,
        width=6 * S,
        joint="curve",
    )
    save(image, "petition.png")


def pledge():
    """A street map with pins joined into a network."""
    image, draw = canvas((232, 240, 236), (214, 228, 222))
    for x in range(0, W, 120):
        draw.line(points((x + 30, 0), (x - 30, H)), fill=WHITE, width=14 * S)
    for y in range(40, H, 110):
        draw.line(points((0, y), (W, y + 20)), fill=WHITE, width=14 * S)
    rng = random.Random(7)
    pins = [(rng.randint(80, W - 80), rng.randint(90, H - 60)) for _ in range(16)]
    center = (W // 2, H // 2 + 10)
    for p in pins:
        draw.line(points(center, p), fill=TEAL, width=4 * S)
    for a, b in zip(pins, pins[1:], strict=False):
        if math.dist(a, b) < 330:
            draw.line(points(a, b), fill=(120, 170, 170), width=3 * S)
    for x, y in pins:
        draw.ellipse(box(x - 18, y - 44, x + 18, y - 8), fill=RED)
        draw.polygon(points((x - 15, y - 20), (x, y), (x + 15, y - 20)), fill=RED)
        draw.ellipse(box(x - 7, y - 33, x + 7, y - 19), fill=WHITE)
    cx, cy = center
    draw.ellipse(box(cx - 70, cy - 70, cx + 70, cy + 70), fill=GOLD, outline=DARK_RED, width=6 * S)
    draw.polygon(
        points(
            (cx - 34, cy + 2),
            (cx - 10, cy + 28),
            (cx + 38, cy - 26),
            (cx + 26, cy - 38),
            (cx - 10, cy + 4),
            (cx - 22, cy - 10),
        ),
        fill=DARK_RED,
    )
    save(image, "pledge.png")


def guide():
    """A red wallet card, front and back, with a shield."""
    image, draw = canvas((247, 234, 220), (238, 220, 204))
    draw.rounded_rectangle(box(150, 170, 650, 455), radius=26 * S, fill=(120, 100, 90))
    draw.rounded_rectangle(box(140, 160, 640, 445), radius=26 * S, fill=RED)
    draw.rectangle(box(180, 200, 470, 226), fill=WHITE)
    for i, y in enumerate(range(260, 420, 34)):
        draw.rectangle(box(180, y, 600 - (i % 2) * 80, y + 14), fill=(246, 200, 206))
    # the other side, tilted
    back = Image.new("RGBA", (520 * S, 300 * S), (0, 0, 0, 0))
    bdraw = ImageDraw.Draw(back)
    bdraw.rounded_rectangle(
        [0, 0, 500 * S, 285 * S], radius=26 * S, fill=WHITE, outline=NAVY, width=4 * S
    )
    for i, y in enumerate(range(40, 250, 32)):
        bdraw.rectangle([36 * S, y * S, (440 - (i % 3) * 60) * S, (y + 12) * S], fill=GREY)
    back = back.rotate(-9, expand=True, resample=Image.BICUBIC)
    image.paste(back, (560 * S, 250 * S), back)
    # shield
    sx, sy = 930, 120
    draw.polygon(
        points(
            (sx, sy),
            (sx + 90, sy + 30),
            (sx + 80, sy + 130),
            (sx, sy + 190),
            (sx - 80, sy + 130),
            (sx - 90, sy + 30),
        ),
        fill=TEAL,
    )
    draw.line(
        points((sx - 38, sy + 92), (sx - 8, sy + 122), (sx + 44, sy + 58)),
        fill=WHITE,
        width=16 * S,
        joint="curve",
    )
    save(image, "guide.png")


def favicon():
    """A red house with a gold window, readable at 16 pixels."""
    size = 256
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([0, 0, size - 1, size - 1], radius=48, fill=RED)
    draw.polygon([(40, 128), (128, 44), (216, 128)], fill=WHITE)
    draw.rectangle([68, 120, 188, 214], fill=WHITE)
    draw.rectangle([110, 150, 146, 214], fill=GOLD)
    STATIC.mkdir(exist_ok=True)
    image.save(STATIC / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


def logo():
    """The demo organization's logo: the favicon's house in a red square, on transparent
    ground. The header and the PDF cover set the organization's name beside it."""
    size = 240
    image = Image.new("RGBA", (size * S, size * S), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(box(0, 0, size - 1, size - 1), radius=44 * S, fill=RED)
    draw.polygon([(36 * S, 122 * S), (120 * S, 40 * S), (204 * S, 122 * S)], fill=WHITE)
    draw.rectangle(box(62, 116, 178, 204), fill=WHITE)
    draw.rectangle(box(102, 144, 138, 204), fill=GOLD)
    image = image.resize((size, size), Image.LANCZOS)
    image.save(HERE / "logo.png", optimize=True)


if __name__ == "__main__":
    logo()
    home()
    petition()
    pledge()
    guide()
    favicon()
