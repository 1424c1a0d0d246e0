"""The desktop suite: the window server and its windows (docs/windows.md).

  desktop  one boot with QEMU's standard VGA (-vga std) and its monitor on
           a unix socket (tests/e2e/monitor.py). `desktop` starts the
           window server, a terminal and the clock; bin/wintest opens two
           windows, "alpha" and "beta". Then: `ls windows:desktop:main`
           lists the four windows (id, title, place, size, owner, focus);
           a monitor screendump shows each window's title bar at its
           listed place; the monitor's mouse_move and mouse_button drag
           beta by its title bar, and the listing and the next screendump
           both show it at its new place; a click in alpha's client area
           and a key reach wintest as events; `echo move X Y >
           windows:desktop:main:ID:ctl` moves alpha the same way; keys
           typed into the terminal window run a command in its shell;
           `bin/wintest bad` (every malformed and forbidden request, a
           resize, a close and the buffers given back); errors from the
           shell; killing wintest removes its windows from the listing
           and the screen, and free memory is back where it was; the
           clock closed with `echo close`; `windows:desktop:main:screen`
           read in ClankerOS (its CRC-32, bin/sum) is the screendump's
           image byte for byte. The screendump after the drag is kept as
           build/test-logs/desktop.png (docs/images/desktop.png is one).
"""
import os
import re
import struct
import time
import zlib

from session import BUILD, PROMPT, Checks, Session, SessionError

TITLE_FOCUSED = (0x2f, 0x5f, 0x9f)       # lib/compositor.h
TITLE_UNFOCUSED = (0x6f, 0x7f, 0x8f)
TITLE_HEIGHT = 20                         # include/clanker/windows.h
BORDER = 2
ALPHA = ((0xc0, 0x40, 0x40), (0xe0, 0x80, 0x80))     # tests/programs/wintest.c
BETA = ((0x40, 0xa0, 0x40), (0x80, 0xe0, 0x80))
LINE = re.compile(r'^(\d+) "([^"]*)" (-?\d+) (-?\d+) (\d+) (\d+) (\d+) (focused|-)$', re.M)


def Quiet(s, command, timeout=60):
    """What command printed, though bin/wintest, running in the background,
    prints its events to the same console whenever they come: its lines are
    left out, and the command's end is the first prompt after it, not one
    that must end the text (wintest may print after it)."""
    start = s.seen
    s.type(command + "\n")
    s.wait_for(re.escape(PROMPT), timeout)
    with s.lock:
        out = s.text[start:s.seen - len(PROMPT)]
    if out.startswith(command + "\n"):
        out = out[len(command) + 1:]
    return "".join(line for line in out.splitlines(True) if not line.startswith("wintest: "))


def Windows(s):
    """The listing as {title: (id, x, y, w, h, pid, focused)}."""
    out = Quiet(s, "ls windows:desktop:main")
    return {m.group(2): (int(m.group(1)), int(m.group(3)), int(m.group(4)), int(m.group(5)),
                         int(m.group(6)), int(m.group(7)), m.group(8) == "focused")
            for m in LINE.finditer(out)}, out


def Pixel(shot, x, y):
    width, height, rgb = shot
    i = (y * width + x) * 3
    return tuple(rgb[i:i + 3])


def TitleBarAt(shot, x, y, w):
    """Whether a title bar (either colour) starts at x, y for a client w wide:
    its colour along the bar's top row, and not the row above."""
    colours = (TITLE_FOCUSED, TITLE_UNFOCUSED)
    top = [Pixel(shot, x + dx, y + 1) for dx in (1, 8, (w + 2 * BORDER) // 2)]
    ok = all(p in colours for p in top) and len(set(top)) == 1
    if y > 0:
        ok = ok and Pixel(shot, x + 1, y - 1) not in colours
    return ok


def ClientShows(shot, x, y, pattern):
    """Whether the client area of a window at x, y shows the pattern's colours."""
    cx, cy = x + BORDER, y + TITLE_HEIGHT
    return Pixel(shot, cx + 2, cy + 2) in pattern and Pixel(shot, cx + 40, cy + 20) in pattern


def WritePng(path, shot):
    """The screendump as a PNG (zlib only)."""
    width, height, rgb = shot
    raw = b"".join(b"\0" + rgb[y * width * 3:(y + 1) * width * 3] for y in range(height))

    def Chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    png = (b"\x89PNG\r\n\x1a\n" + Chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + Chunk(b"IDAT", zlib.compress(raw, 9)) + Chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(png)


def Until(s, what, test, tries=30):
    """The listing, read again (0.2 s apart) until test(windows) holds."""
    for _ in range(tries):
        windows, out = Windows(s)
        if test(windows):
            return windows, out
        time.sleep(0.2)
    return windows, out


def Pointer(s):
    out = Quiet(s, "cat windows:desktop:main:pointer")
    m = re.match(r"^(-?\d+) (-?\d+) (\d+)$", out.strip())
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def Settle(s, want, tries=50):
    """Wait until the cursor is at want (x, y, buttons): QEMU hands a long
    move to the PS/2 mouse a few packets at a time, as the guest reads them."""
    got = None
    for _ in range(tries):
        got = Pointer(s)
        if got == want:
            return True
        time.sleep(0.2)
    raise SessionError("the cursor is at %s, not %s" % (got, want))


def PointAt(s, m, x, y):
    """Put the cursor at x, y: moved by the difference from where it is (a
    move that runs into the screen's edge would leave QEMU's remainder to
    arrive later)."""
    now = Pointer(s)
    m.mouse_move(x - now[0], y - now[1])
    Settle(s, (x, y, now[2]))


def Start(e2e, s, c):
    out = s.run("desktop", timeout=60)
    c.check(re.search(r"^desktop: windows:desktop:main: server \d+, terminal \d+, clock \d+$",
                      out, re.M) is not None, "desktop starts the server, a terminal and the clock", out)
    windows, out = Until(s, "terminal and clock", lambda w: "terminal" in w and "clock" in w)
    c.check(set(windows) == {"terminal", "clock"}, "ls windows:desktop:main lists the terminal "
            "and the clock", out)
    c.check(windows.get("terminal", (0,) * 7)[1:5] == (24, 24, 640, 400),
            "the terminal's window: 80x25 cells of 8x16 at 24 24", out)
    c.equal(s.run("desktop"), "desktop: windows:desktop:main is running already\n"
            "desktop: exit code 1\n", "a second desktop is refused")


def OpenWindows(e2e, s, c):
    start = s.seen
    pid = e2e.Background(s, "run fs:root:bin/wintest open")
    s.seen = start
    m = s.wait_for(r"wintest: open (\d+) (\d+)$", 60)
    ids = (int(m.group(1)), int(m.group(2)))
    windows, out = Until(s, "alpha and beta", lambda w: "alpha" in w and "beta" in w)
    c.check(windows.get("alpha") == (ids[0], 100, 470, 240, 120, pid, False) and
            windows.get("beta") == (ids[1], 420, 500, 260, 150, pid, True),
            "the listing shows both windows: id, title, place, size, owner, beta focused", out)
    c.check(not windows.get("terminal", (0,) * 7)[6], "the terminal lost the focus", out)
    c.equal(Quiet(s, "cat windows:desktop:main:%d" % ids[1]),
            '%d "beta" 420 500 260 150 %d focused\n' % (ids[1], pid), "cat of one window")
    out = Quiet(s, "cat windows:desktop:main")
    c.check(out.startswith("ID TITLE X Y W H PID FOCUS\n") and '"alpha" 100 470' in out,
            "cat windows:desktop:main: the table", out)
    return pid, ids


def Screendumps(e2e, s, c, m, windows):
    shot = m.screendump()
    c.equal(shot[:2], (1024, 768), "the screendump is 1024x768")
    for title, pattern in (("alpha", ALPHA), ("beta", BETA)):
        _, x, y, w, h, _, focused = windows[title]
        c.check(TitleBarAt(shot, x, y, w), "the screendump shows %s's title bar at %d %d" % (title, x, y),
                "%s %s" % (Pixel(shot, x + 1, y + 1), Pixel(shot, x + 1, y - 1)))
        c.check(Pixel(shot, x + 8, y + 1) == (TITLE_FOCUSED if focused else TITLE_UNFOCUSED),
                "%s's title bar is %s" % (title, "focused" if focused else "unfocused"),
                Pixel(shot, x + 8, y + 1))
        c.check(ClientShows(shot, x, y, pattern), "%s's pixels show in its client area" % title,
                Pixel(shot, x + BORDER + 2, y + TITLE_HEIGHT + 2))
    for title in ("terminal", "clock"):
        _, x, y, w, _, _, _ = windows[title]
        c.check(TitleBarAt(shot, x, y, w), "the screendump shows the %s's title bar" % title)
    return shot


def Drag(e2e, s, c, m, windows):
    _, x, y, w, h, pid, _ = windows["beta"]
    PointAt(s, m, x + 60, y + 8)
    m.mouse_button(1)
    Settle(s, (x + 60, y + 8, 1))
    m.mouse_move(150, 40)
    Settle(s, (x + 210, y + 48, 1))
    m.mouse_button(0)
    Settle(s, (x + 210, y + 48, 0))
    moved, out = Until(s, "beta moved", lambda wn: "beta" in wn and wn["beta"][1:3] != (x, y))
    c.equal(moved.get("beta", (0,) * 7)[1:3], (x + 150, y + 40),
            "dragging beta's title bar moves it 150 40 (the listing)")
    shot = m.screendump()
    c.check(TitleBarAt(shot, x + 150, y + 40, w) and ClientShows(shot, x + 150, y + 40, BETA),
            "the next screendump shows beta at its new place")
    c.check(not TitleBarAt(shot, x, y, w), "and nothing of it at the old one", Pixel(shot, x + 1, y + 1))
    WritePng(os.path.join(BUILD, "test-logs", "desktop.png"), shot)
    return moved


def ClickAndKey(e2e, s, c, m, windows):
    ident, x, y, w, h, pid, _ = windows["alpha"]
    start = s.seen
    PointAt(s, m, x + BORDER + 30, y + TITLE_HEIGHT + 20)
    m.mouse_button(1)
    Settle(s, (x + BORDER + 30, y + TITLE_HEIGHT + 20, 1))
    m.mouse_button(0)
    s.seen = start
    try:
        s.wait_for(r"wintest: mouse %d 30 20 1$" % ident, 20)
        c.check(True, "a click in alpha's client area reaches wintest as a mouse event at 30 20")
    except SessionError as e:
        c.check(False, "a click in alpha's client area reaches wintest as a mouse event at 30 20", e)
    raised, out = Until(s, "alpha focused", lambda wn: wn.get("alpha", (0,) * 7)[6])
    c.check(raised.get("alpha", (0,) * 7)[6], "the click gave alpha the focus", out)
    s.seen = start
    m.sendkey("x")
    try:
        s.wait_for(r"wintest: key %d 120 0$" % ident, 20)
        s.wait_for(r"wintest: key %d 120 256$" % ident, 20)     # and its release
        c.check(True, "a key typed goes to the focused window's owner ('x', 120, then released)")
    except SessionError as e:
        c.check(False, "a key typed goes to the focused window's owner ('x', 120, then released)", e)
    Quiet(s, "echo synced")


def EchoMove(e2e, s, c, m, windows):
    ident, _, _, w, h, _, _ = windows["alpha"]
    c.equal(Quiet(s, "echo move 700 300 > windows:desktop:main:%d:ctl" % ident), "",
            "echo move 700 300 > windows:desktop:main:%d:ctl" % ident)
    moved, out = Until(s, "alpha moved", lambda wn: wn.get("alpha", (0,) * 7)[1:3] == (700, 300))
    c.equal(moved.get("alpha", (0,) * 7)[1:3], (700, 300), "the listing shows alpha at 700 300")
    shot = m.screendump()
    c.check(TitleBarAt(shot, 700, 300, w) and ClientShows(shot, 700, 300, ALPHA),
            "the screendump shows alpha at 700 300",
            "%s %s %s %s" % (Pixel(shot, 701, 301), Pixel(shot, 701, 299), Pixel(shot, 704, 322),
                             Pixel(shot, 742, 340)))
    c.equal(Quiet(s, "echo jump 1 2 > windows:desktop:main:%d:ctl" % ident),
            "echo: windows:desktop:main:%d:ctl: invalid argument\n" % ident,
            "an unknown command is refused")
    c.equal(Quiet(s, "echo move 5000 0 > windows:desktop:main:%d:ctl" % ident),
            "echo: windows:desktop:main:%d:ctl: out of range\n" % ident, "a place off the screen is refused")
    c.equal(Quiet(s, "cat windows:desktop:main:999"), "cat: windows:desktop:main:999: no such file\n",
            "a window that is not there")
    return moved


def Terminal(e2e, s, c, m, windows):
    _, x, y, w, h, _, _ = windows["terminal"]
    PointAt(s, m, x + 100, y + 8)          # its title bar: raise and focus
    m.mouse_button(1)
    Settle(s, (x + 100, y + 8, 1))
    m.mouse_button(0)
    Until(s, "terminal focused", lambda wn: wn.get("terminal", (0,) * 7)[6])
    for key in "echo typed > fs:temp:term.txt":
        m.sendkey({" ": "spc", ">": "shift-dot", ":": "shift-semicolon", ".": "dot"}.get(key, key))
    m.sendkey("ret")
    out = ""
    for _ in range(30):
        out = Quiet(s, "cat fs:temp:term.txt")
        if out == "typed\n":
            break
        time.sleep(0.3)
    c.equal(out, "typed\n", "keys typed into the terminal window run a command in its shell")


def Bad(e2e, s, c, windows):
    out = s.run("run fs:root:bin/wintest bad %d" % windows["clock"][0], timeout=120)
    c.check(re.search(r"^wintest: \d+ passed, 0 failed$", out, re.M) is not None and "FAIL" not in out,
            "bin/wintest bad: every bad request refused with its error, a resize, a close, "
            "buffers given back", out)


def KillClient(e2e, s, c, m, pid, windows, before):
    s.run("kill %d" % pid)
    gone, out = Until(s, "client gone", lambda wn: "alpha" not in wn and "beta" not in wn)
    c.check("alpha" not in gone and "beta" not in gone and "terminal" in gone,
            "killing wintest removes its windows from the listing", out)
    shot = m.screendump()
    for title in ("alpha", "beta"):
        _, x, y, w, _, _, _ = windows[title]
        c.check(not TitleBarAt(shot, x, y, w), "and %s from the screen" % title)
    after = e2e.FreePagesAgain(s, before)
    c.check(before is not None and after == before,
            "free pages after wintest's windows are gone: before %s, after %s" % (before, after))


def ScreenMatches(e2e, s, c, m, windows):
    c.equal(Quiet(s, "echo close > windows:desktop:main:%d:ctl" % windows["clock"][0]), "",
            "echo close to the clock's control name")
    gone, out = Until(s, "clock gone", lambda wn: "clock" not in wn)
    c.check("clock" not in gone, "the clock is closed (and ends)", out)
    time.sleep(1)
    shot = m.screendump()
    width, height, rgb = shot
    ppm = b"P6\n%d %d\n255\n" % (width, height) + rgb
    out = Quiet(s, "run fs:root:bin/sum windows:desktop:main:screen", timeout=120)
    c.contains(out, "%08x %d" % (zlib.crc32(ppm), len(ppm)),
               "windows:desktop:main:screen is the screendump's image, byte for byte (CRC-32)")


def DesktopSuite():
    import run as e2e
    c = Checks("e2e-desktop")
    s = Session("e2e-desktop", vga="std", monitor=True)
    try:
        s.boot()
        m = s.monitor()
        Start(e2e, s, c)
        Bad(e2e, s, c, Windows(s)[0])
        # After a first client has come and gone: the kernel's heap and the
        # server's tables have grown to what a client needs, once.
        before = e2e.FreePages(s)
        pid, ids = OpenWindows(e2e, s, c)
        windows, _ = Windows(s)
        Screendumps(e2e, s, c, m, windows)
        windows = Drag(e2e, s, c, m, windows)
        ClickAndKey(e2e, s, c, m, windows)
        windows = EchoMove(e2e, s, c, m, windows)
        KillClient(e2e, s, c, m, pid, windows, before)
        Terminal(e2e, s, c, m, windows)
        ScreenMatches(e2e, s, c, m, windows)
        s.type("poweroff\n")
        c.equal(s.finish(60), 0, "poweroff ends QEMU with status 0")
    except SessionError as e:
        c.check(False, "session went as planned", e)
        s.kill()
    return c
