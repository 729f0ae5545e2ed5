#!/usr/bin/env python3
"""Renders a terminal capture with colours (tmux capture-pane -e -p) to a PNG.

Usage: ansi-to-png.py CAPTURE.txt OUT.png COLUMNS ROWS
SGR colours (16, 256 and true colour), bold, dim, underline and reverse are honoured; block
elements and box-drawing lines are drawn as shapes so that bars and borders join up.
"""
import re
import sys

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
SIZE = 15
BG = (24, 26, 30)
FG = (208, 208, 208)
PALETTE = [(0, 0, 0), (205, 49, 49), (13, 188, 121), (229, 229, 16), (36, 114, 200), (188, 63, 188),
           (17, 168, 205), (229, 229, 229), (102, 102, 102), (241, 76, 76), (35, 209, 139), (245, 245, 67),
           (59, 142, 234), (214, 112, 214), (41, 184, 219), (255, 255, 255)]


def xterm256(n):
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return (v, v, v)


class Style:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = self.dim = self.underline = self.reverse = False

    def copy(self):
        s = Style()
        s.__dict__.update(self.__dict__)
        return s

    def apply(self, params):
        i = 0
        while i < len(params):
            p = params[i]
            if p == 0:
                self.reset()
            elif p == 1:
                self.bold = True
            elif p == 2:
                self.dim = True
            elif p == 4:
                self.underline = True
            elif p == 7:
                self.reverse = True
            elif p == 22:
                self.bold = self.dim = False
            elif p == 24:
                self.underline = False
            elif p == 27:
                self.reverse = False
            elif 30 <= p <= 37:
                self.fg = PALETTE[p - 30]
            elif 90 <= p <= 97:
                self.fg = PALETTE[p - 90 + 8]
            elif 40 <= p <= 47:
                self.bg = PALETTE[p - 40]
            elif 100 <= p <= 107:
                self.bg = PALETTE[p - 100 + 8]
            elif p == 39:
                self.fg = None
            elif p == 49:
                self.bg = None
            elif p in (38, 48) and i + 1 < len(params):
                if params[i + 1] == 5 and i + 2 < len(params):
                    colour = xterm256(params[i + 2])
                    i += 2
                elif params[i + 1] == 2 and i + 4 < len(params):
                    colour = tuple(params[i + 2:i + 5])
                    i += 4
                else:
                    colour = None
                if p == 38:
                    self.fg = colour
                else:
                    self.bg = colour
            i += 1

    def colours(self):
        fg = self.fg or FG
        if self.bold and fg in PALETTE[:8]:
            fg = PALETTE[PALETTE.index(fg) + 8]
        bg = self.bg or BG
        if self.reverse:
            fg, bg = (self.bg or BG) if self.bg else BG, self.fg or FG
        if self.dim:
            fg = tuple((a + b) // 2 for a, b in zip(fg, bg))
        return fg, bg


def parse(text, columns, rows):
    grid = [[(" ", Style()) for _ in range(columns)] for _ in range(rows)]
    style = Style()
    for y, line in enumerate(text.split("\n")[:rows]):
        x = 0
        for token in re.split(r"(\x1b\[[0-9;]*[A-Za-z])", line):
            if token.startswith("\x1b["):
                if token.endswith("m"):
                    params = [int(p) if p else 0 for p in token[2:-1].split(";")]
                    style.apply(params or [0])
                continue
            for ch in token:
                if x < columns:
                    grid[y][x] = (ch, style.copy())
                x += 1
    return grid


def main():
    capture, out, columns, rows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    text = open(capture, encoding="utf-8").read()
    regular = ImageFont.truetype(FONT_DIR + "DejaVuSansMono.ttf", SIZE)
    bold = ImageFont.truetype(FONT_DIR + "DejaVuSansMono-Bold.ttf", SIZE)
    fallback = ImageFont.truetype(FONT_DIR + "DejaVuSans.ttf", SIZE - 1)
    cw = round(regular.getlength("M"))
    ch = SIZE + 4
    pad = 10
    def glyph(font, c):
        im = Image.new("L", (cw * 2, ch * 2))
        ImageDraw.Draw(im).text((0, 0), c, font=font, fill=255)
        return im.tobytes()

    missing = glyph(regular, "\ue000")
    fallback_for = {}
    grid = parse(text, columns, rows)
    img = Image.new("RGB", (columns * cw + 2 * pad, rows * ch + 2 * pad), BG)
    draw = ImageDraw.Draw(img)
    for y, row in enumerate(grid):
        for x, (c, style) in enumerate(row):
            fg, bg = style.colours()
            left, top = pad + x * cw, pad + y * ch
            draw.rectangle([left, top, left + cw - 1, top + ch - 1], fill=bg)
            cp = ord(c)
            if cp == 0x2588 or 0x2589 <= cp <= 0x258F:
                eighths = 8 if cp == 0x2588 else 0x2590 - cp
                draw.rectangle([left, top + 2, left + round(cw * eighths / 8) - 1, top + ch - 3], fill=fg)
                continue
            if c in "│─┌┐└┘":
                mx, my = left + cw // 2, top + ch // 2
                if c in "│┌┐":
                    draw.line([mx, my if c != "│" else top, mx, top + ch], fill=fg)
                if c in "│└┘":
                    draw.line([mx, top, mx, my if c != "│" else top + ch], fill=fg)
                if c in "─┌└":
                    draw.line([mx if c != "─" else left, my, left + cw, my], fill=fg)
                if c in "─┐┘":
                    draw.line([left, my, mx if c != "─" else left + cw, my], fill=fg)
                continue
            if c != " ":
                font = bold if style.bold else regular
                if c not in fallback_for:
                    fallback_for[c] = glyph(regular, c) == missing
                if fallback_for[c]:
                    font = fallback
                draw.text((left, top + 1), c, font=font, fill=fg)
            if style.underline:
                draw.line([left, top + ch - 2, left + cw - 1, top + ch - 2], fill=fg)
    img.save(out)


if __name__ == "__main__":
    main()
