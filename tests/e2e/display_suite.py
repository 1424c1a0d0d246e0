"""The display suite: display: (drivers/vga), input:mouse (drivers/ps2mouse)
and input:keyboard (the console), with QEMU's std-VGA and its monitor.

  display  one boot with -vga std and a QMP socket (tests/e2e/monitor.py).
           The drivers' lines; `ls display:`, `cat display:mode` and
           `cat display:modes`; modes set from the shell and read back, each
           checked against the size of QEMU's screendump; text mode given
           back with its font and every line, those written while the
           screen was graphical included (screendumps compared row by
           row); bad modes and names from the shell. bin/displaytest:
           every malformed request; an owner's rights and a second
           process's refusals; a held display: the picture drawn into the
           granted framebuffer found in the screendump, E_BUSY for others,
           the owner killed and the display back in text mode; a 16 bpp
           picture; a framebuffer touched after its release faults; free
           pages the same after 20 acquire/release cycles. The mouse:
           monitor mouse_move and mouse_button read back with `cat
           input:mouse` and by a listener woken by notices; the keyboard: a
           listener gets monitor sendkey's keys as events while the serial
           console goes on, and when it ends (or is killed) the PS/2 keys
           type at the shell again; both devices' bad requests
           (bin/inputtest errors). The packet parser's resynchronisation
           after bad bytes is tested on the host (tests/host/test_mousepacket.c).
"""
import os
import re
import time

from monitor import pixel
from session import BUILD, PROMPT, Checks, Session, SessionError

ROW = 16                        # a text row's height in a screendump (9x16 cells)
TEXT_SIZE = (720, 400)
SIZES = [(640, 480), (800, 600), (1024, 768), (1280, 720), (1280, 1024), (1920, 1080)]
MODES = ["%dx%dx%d" % (w, h, b) for (w, h) in SIZES for b in (32, 24, 16)]
BACKGROUND = (0x10, 0x20, 0x30)         # tests/programs/displaytest.c's picture
BOX = (0xff, 0x80, 0x00)
BOX_X, BOX_Y, BOX_W, BOX_H = 100, 50, 200, 100


def Rows(width, height, rgb):
    """The screendump of a text screen as a list of its text rows' pixels."""
    line = width * 3
    return [rgb[r * ROW * line:(r + 1) * ROW * line] for r in range(height // ROW)]


def SteadyScreen(m, tries=10):
    """A screendump once it stops changing: the console writes the serial
    line before the screen, so the prompt a session waits for may not be
    drawn yet."""
    last = m.screendump()
    for _ in range(tries):
        time.sleep(0.1)
        now = m.screendump()
        if now == last:
            break
        last = now
    return last


def SaveScreens(name, *screens):
    """Keep text screens (lists of rows) as PPM files in build/test-logs."""
    for i, rows in enumerate(screens):
        data = b"".join(rows)
        path = os.path.join(BUILD, "test-logs", "%s-%d.ppm" % (name, i))
        with open(path, "wb") as f:
            f.write(b"P6\n%d %d\n255\n" % (TEXT_SIZE[0], len(rows) * ROW) + data)


def LastTextRow(rows):
    """The index of the last row that is not black (the prompt's)."""
    for r in range(len(rows) - 1, -1, -1):
        if any(rows[r]):
            return r
    return -1


def WaitFor(s, command, want, tries=20):
    """Run command until it prints want (a driver acting on a process's end)."""
    out = ""
    for _ in range(tries):
        out = s.run(command)
        if out == want:
            return out
        time.sleep(0.5)
    return out


def Background(s, command, line):
    """Start command with & and wait for the line (a regex) it prints, which
    may come right after the shell's prompt; its pid and the match."""
    s.type(command + " &\n")
    pid = int(s.wait_for(r"^\[(\d+)\]\n", 60).group(1))
    match = s.wait_for(line, 60)
    s.run("echo synced")
    return pid, match


def Names(s, c):
    c.check(e2e.Announced(s, r"^vga: display: 16384 KiB framebuffer at 0x[0-9a-f]+, 18 modes up to "
                             r"1920x1080x32$"), "the display driver announces the adapter")
    c.check(e2e.Announced(s, r"^ps2mouse: input:mouse: a PS/2 mouse on the 8042's aux port$"),
            "the mouse driver announces the mouse")
    c.equal(s.run("ls display:"), "mode\nmodes\n", "ls display: lists mode and modes")
    c.equal(s.run("cat display:mode"), "text\n", "the adapter starts in text mode")
    c.equal(s.run("cat display:modes"), "".join(m + "\n" for m in MODES),
            "cat display:modes lists every mode, one WxHxBPP a line")
    out = s.run("ns")
    c.check(re.search(r"^display:\s+\d+\s+vga$", out, re.M) and
            re.search(r"^input:mouse:\s+\d+\s+ps2mouse$", out, re.M) and
            re.search(r"^input:keyboard:\s+\d+\s+console$", out, re.M),
            "ns lists display:, input:mouse: and input:keyboard:", out)


def Modes(s, c, m):
    width, height, _ = m.screendump()
    c.equal((width, height), TEXT_SIZE, "the text screen's screendump is 720x400")
    for mode, size, pitch in (("800x600x32", (800, 600), 3200), ("640x480x16", (640, 480), 1280),
                              ("1024x768x24", (1024, 768), 3072),
                              ("1280x1024x32", (1280, 1024), 5120)):
        c.equal(s.run("echo %s > display:mode" % mode), "", "echo %s > display:mode" % mode)
        c.equal(s.run("cat display:mode"), "%s pitch %d\n" % (mode, pitch),
                "display:mode reads %s back with its pitch" % mode)
        width, height, rgb = m.screendump()
        c.equal((width, height), size, "the screendump of %s is %dx%d" % ((mode,) + size))
        c.check(not any(rgb[:width * 3 * 16]), "a new mode starts black (%s)" % mode)
    c.equal(s.run("echo 801x600x32 > display:mode"), "echo: display:mode: invalid argument\n",
            "a width the adapter does not offer")
    c.equal(s.run("echo 800x600x8 > display:mode"), "echo: display:mode: invalid argument\n",
            "a depth it does not offer")
    c.equal(s.run("echo 123456x600x32 > display:mode"), "echo: display:mode: invalid argument\n",
            "a number too long")
    c.equal(s.run("echo graphics > display:mode"), "echo: display:mode: invalid argument\n",
            "a word that is no mode")
    c.equal(s.run("cat display:mode"), "1280x1024x32 pitch 5120\n", "refused modes change nothing")


def TextComesBack(s, c, m):
    """Text mode again, with its font and every line: those written while
    the screen was graphical included."""
    c.equal(s.run("echo text > display:mode"), "", "echo text > display:mode")
    width, height, rgb = m.screendump()
    c.equal((width, height), TEXT_SIZE, "back in text mode: 720x400")
    c.equal(s.run("echo text > display:mode"), "", "text mode again changes nothing")
    before = Rows(*SteadyScreen(m))
    prompt = LastTextRow(before)
    # The row above the prompt reads "clanker> echo text > display:mode".
    s.run("echo 800x600x32 > display:mode")
    c.equal(m.screendump()[:2], (800, 600), "graphics: what the shell prints goes nowhere")
    s.run("echo text > display:mode")       # echoed while the screen was graphical
    after = Rows(*SteadyScreen(m))
    scrolled = max(0, prompt + 2 - (len(before) - 1))
    same = prompt > 0 and after[:prompt - scrolled] == before[scrolled:prompt]
    if not same:
        SaveScreens("e2e-display-text", before, after)
    c.check(same, "the text from before the graphics is back, pixel for pixel (the font too)",
            "prompt row %d, scrolled %d; build/test-logs/e2e-display-text-*.ppm" % (prompt, scrolled))
    c.check(prompt > 0 and after[prompt + 1 - scrolled] == before[prompt - 1],
            "the command typed while the screen was graphical is on the screen")
    c.check(any(after[prompt + 2 - scrolled]), "and the prompt after it")
    c.equal(s.run("echo hello > display:modes"), "echo: display:modes: access denied\n",
            "display:modes cannot be written")
    c.equal(s.run("cat display:nope"), "cat: display:nope: no such file\n", "another name")
    c.equal(s.run("cat display:"), "cat: display:: is a directory\n", "display: is a directory")
    c.equal(s.run("ls display:mode"), "ls: display:mode: not a directory\n", "a file is no directory")


def Owners(s, c, m):
    out = s.run("run fs:root:bin/displaytest errors")
    c.check(re.search(r"^displaytest: errors: [1-9]\d* passed, 0 failed$", out, re.M),
            "displaytest errors: every malformed request refused", out)
    out = s.run("run fs:root:bin/displaytest owner")
    c.check(re.search(r"^displaytest: owner: [1-9]\d* passed, 0 failed$", out, re.M),
            "displaytest owner: an owner's requests, a second process refused, release", out)
    c.equal(s.run("cat display:mode"), "text\n", "released: text mode")

    pid, match = Background(s, "run fs:root:bin/displaytest hold",
                            r"displaytest: holding (\S+) pitch (\d+) grant (\d+) length (\d+)\n")
    c.equal(match.group(1, 2), ("1024x768x32", "4096"), "acquired with the default mode")
    c.check(int(match.group(4)) >= 1920 * 1080 * 4,
            "the grant covers the largest mode (%s bytes)" % match.group(4))
    width, height, rgb = m.screendump()
    c.equal((width, height), (1024, 768), "the owner's screen is 1024x768")
    picture = [((0, 0), (255, 255, 255)), ((1, 0), BACKGROUND), ((5, 5), BACKGROUND),
               ((BOX_X, BOX_Y), BOX), ((BOX_X + BOX_W - 1, BOX_Y + BOX_H - 1), BOX),
               ((BOX_X - 1, BOX_Y), BACKGROUND), ((BOX_X + BOX_W, BOX_Y), BACKGROUND),
               ((BOX_X, BOX_Y + BOX_H), BACKGROUND), ((1023, 767), BACKGROUND)]
    c.equal([pixel(rgb, width, x, y) for (x, y), _ in picture], [want for _, want in picture],
            "what the owner drew into its grant is on the screen, edge for edge")
    c.equal(s.run("cat display:mode"), "1024x768x32 pitch 4096\n", "display:mode shows the owner's")
    c.equal(s.run("echo 800x600x32 > display:mode"), "echo: display:mode: busy\n",
            "nobody else may change the mode")
    c.equal(s.run("echo text > display:mode"), "echo: display:mode: busy\n",
            "nor go back to text mode")
    out = s.run("run fs:root:bin/displaytest hold")
    c.contains(out, "displaytest: acquire: error -16\n", "a second acquire is E_BUSY")
    c.equal(s.run("run fs:root:bin/displaytest info"),
            "displaytest: info 1024x768x32 pitch 4096 bytes 3145728\n",
            "anyone may ask for the mode")
    s.run("kill %d" % pid)
    c.equal(WaitFor(s, "cat display:mode", "text\n"), "text\n",
            "the owner killed: the display is released, text mode")
    c.equal(m.screendump()[:2], TEXT_SIZE, "and the screendump is the text screen")

    pid, match = Background(s, "run fs:root:bin/displaytest hold 800x600x16",
                            r"displaytest: holding (\S+) pitch (\d+) grant")
    c.equal(match.group(1, 2), ("800x600x16", "1600"), "acquired at 800x600x16")
    width, height, rgb = m.screendump()
    got = [pixel(rgb, width, x, y) for x, y in ((5, 5), (BOX_X + 1, BOX_Y + 1))]
    c.check((width, height) == (800, 600) and
            all(abs(a - b) < 8 for p, want in zip(got, (BACKGROUND, BOX)) for a, b in zip(p, want)),
            "a 16 bpp picture (RGB 5:6:5) shows its colours", got)
    s.run("kill %d" % pid)
    c.equal(WaitFor(s, "cat display:mode", "text\n"), "text\n", "released again")

    out = s.run("run fs:root:bin/displaytest revoke")
    c.check(re.search(r"killed: Page Fault .* address 0x6[0-9a-f]{7}$", out, re.M) and
            "displaytest: survived" not in out,
            "the framebuffer touched after its release faults", out)
    c.equal(s.run("cat display:mode"), "text\n", "and the display is in text mode")

    s.run("run fs:root:bin/displaytest cycle 2")          # warm the caches
    before = e2e.FreePages(s)
    out = s.run("run fs:root:bin/displaytest cycle 20", timeout=300)
    c.contains(out, "displaytest: cycle: 20 done\n", "20 acquire, map, draw, unmap, release cycles")
    after = e2e.FreePagesAgain(s, before)
    c.check(before is not None and before == after,
            "free pages the same after them: before %s, after %s" % (before, after))


def MouseEvents(text):
    return [tuple(int(v, 0) for v in m.groups())
            for m in re.finditer(r"^mouse (-?\d+) (-?\d+) buttons (0x[0-9a-f]+) time \d+$", text, re.M)]


def Mouse(s, c, m):
    s.run("cat input:mouse")                                # whatever came before
    m.mouse_move(10, 20)
    m.mouse_button(1)
    m.mouse_move(-5, -7)
    m.mouse_button(0)
    m.mouse_move(120, -90)
    out = ""
    for _ in range(20):         # the events reach the guest in its own time
        out += s.run("cat input:mouse")
        if len(MouseEvents(out)) >= 5:
            break
        time.sleep(0.2)
    # (QEMU sends a longer move as several packets, some of them only with
    # the next event, so each move here fits one packet.)
    c.equal(MouseEvents(out), [(10, 20, 0), (0, 0, 1), (-5, -7, 1), (0, 0, 0), (120, -90, 0)],
            "monitor mouse_move and mouse_button read back from input:mouse (+dy down)")
    c.check(len(out.splitlines()) == 5, "one line an event, nothing else", out)
    c.equal(s.run("cat input:mouse"), "", "a read takes the events: the next finds none")
    out = s.run("run fs:root:bin/inputtest errors mouse")
    c.check(re.search(r"^inputtest: errors: [1-9]\d* passed, 0 failed$", out, re.M),
            "input:mouse refuses every bad request", out)
    s.type("run fs:root:bin/inputtest listen mouse 3\n")
    s.wait_for(r"^inputtest: listening to input:mouse\n")
    m.mouse_move(3, 4)
    m.mouse_button(2)
    m.mouse_move(-1, -1)
    match = s.wait_for(r"^inputtest: (\d+) events in (\d+) notices, dx (-?\d+) dy (-?\d+), "
                       r"buttons (\d+)\n", 60)
    s.wait_for(re.escape(PROMPT) + r"\Z")
    c.equal(match.group(1, 3, 4, 5), ("3", "2", "3", "2"),
            "a listener is told by notices and reads the events: motion and the right button")
    m.mouse_button(0)


def Keyboard(s, c, m):
    out = s.run("run fs:root:bin/inputtest errors keyboard")
    c.check(re.search(r"^inputtest: errors: [1-9]\d* passed, 0 failed$", out, re.M),
            "input:keyboard refuses every bad request", out)
    s.type("run fs:root:bin/inputtest listen keyboard 6\n")
    s.wait_for(r"^inputtest: listening to input:keyboard\n")
    m.sendkey("a")
    m.sendkey("shift-b")
    match = s.wait_for(r"^inputtest: (\d+) events in (\d+) notices", 60)
    s.wait_for(re.escape(PROMPT) + r"\Z")
    with s.lock:
        text = s.text[:s.seen]
    keys = re.findall(r"^inputtest: key (0x[0-9a-f]+) (press|release) mods (0x[0-9a-f]+)", text, re.M)
    c.equal(match.group(1), "6", "six key events: a pressed and released, Shift and B")
    c.check(("0x61", "press", "0x0") in keys and ("0x61", "release", "0x0") in keys and
            ("0x121", "press", "0x1") in keys and ("0x42", "press", "0x1") in keys,
            "a, then Shift (KEY_SHIFT) and B with the Shift flag", keys)
    for key in "e c h o spc b a c k ret".split():
        m.sendkey(key)
    s.wait_for(r"^back\n", 60)
    s.wait_for(re.escape(PROMPT) + r"\Z")
    c.check(True, "the listener ended: PS/2 keys type at the shell again")
    time.sleep(0.5)             # sendkey's release of Enter comes 100 ms after its press
    pid, _ = Background(s, "run fs:root:bin/inputtest listen keyboard 100",
                        r"inputtest: listening to input:keyboard\n")
    c.equal(s.run("echo serial still works"), "serial still works\n",
            "the serial console is not affected by a keyboard listener")
    for key in "x ret".split():
        m.sendkey(key)
    s.wait_for(r"inputtest: key 0xa release", 60)
    c.check(True, "the listener got the PS/2 keys")
    s.run("echo synced")
    c.equal(s.run("echo after"), "after\n", "and the shell did not: its line is as typed on serial")
    s.run("kill %d" % pid)
    s.run("echo settle")
    for key in "e c h o spc a g a i n ret".split():
        m.sendkey(key)
    s.wait_for(r"^again\n", 60)
    s.wait_for(re.escape(PROMPT) + r"\Z")
    c.check(True, "the listener killed: PS/2 keys type at the shell again")


def DisplaySuite():
    global e2e
    import run as e2e
    c = Checks("e2e-display")
    s = Session("e2e-display", vga="std", monitor=True)
    try:
        s.boot()
        c.check(True, "boots to the shell prompt")
        m = s.monitor()
        Names(s, c)
        Modes(s, c, m)
        TextComesBack(s, c, m)
        Owners(s, c, m)
        Mouse(s, c, m)
        Keyboard(s, c, m)
        s.type("poweroff\n")
        c.equal(s.finish(60), 0, "poweroff ends QEMU with status 0")
    except SessionError as e:
        c.check(False, "session went as planned", e)
        s.kill()
    return c
