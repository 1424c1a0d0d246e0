"""QEMU's monitor for the e2e suites: screendumps, the mouse, the keyboard.

A Session started with monitor=True gives QEMU a QMP socket (JSON over a
unix socket, -qmp unix:PATH,server=on,wait=off); Monitor(path) talks to
it. QMP answers each command once it is done, so a screendump's file is
whole when screendump() returns, and the human monitor's commands run
through it too (human-monitor-command), with their output as text:

    m = Monitor(path)
    m.command("info status")          # -> "VM status: running\\n"
    width, height, rgb = m.screendump()
    m.mouse_move(10, -5)               # relative: +x right, +y down
    m.mouse_button(1)                  # buttons held: 1 left, 2 right, 4 middle
    m.sendkey("shift-a")               # QEMU's key names, pressed and released

pixel(rgb, width, x, y) gives one pixel as (r, g, b).
"""
import json
import os
import socket
import tempfile
import time


class MonitorError(Exception):
    pass


def ParsePpm(data):
    """A binary PPM (P6, maxval 255) -> (width, height, rgb bytes)."""
    fields, at = [], 0
    while len(fields) < 4:
        while at < len(data) and data[at:at + 1].isspace():
            at += 1
        if data[at:at + 1] == b"#":
            while at < len(data) and data[at:at + 1] not in (b"\n", b"\r"):
                at += 1
            continue
        start = at
        while at < len(data) and not data[at:at + 1].isspace():
            at += 1
        if start == at:
            raise MonitorError("a PPM header cut short")
        fields.append(data[start:at])
    at += 1                                 # the one whitespace byte after maxval
    if fields[0] != b"P6":
        raise MonitorError("not a binary PPM: %r" % fields[0])
    width, height, maxval = (int(f) for f in fields[1:])
    if maxval != 255:
        raise MonitorError("a PPM with maxval %d" % maxval)
    rgb = data[at:at + width * height * 3]
    if len(rgb) != width * height * 3:
        raise MonitorError("a PPM of %dx%d with %d bytes of pixels" % (width, height, len(rgb)))
    return width, height, rgb


def pixel(rgb, width, x, y):
    """The pixel at (x, y) of a screendump's rgb bytes, as (r, g, b)."""
    at = (y * width + x) * 3
    return tuple(rgb[at:at + 3])


class Monitor:
    def __init__(self, path, timeout=30):
        self.path = path
        self.timeout = timeout
        self.sock = None
        self.buffer = b""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise MonitorError("no QMP socket at %s" % path)
                time.sleep(0.2)
        self.sock.settimeout(timeout)
        greeting = self._message()
        if "QMP" not in greeting:
            raise MonitorError("not a QMP greeting: %r" % greeting)
        self.execute("qmp_capabilities")

    def _message(self):
        while b"\n" not in self.buffer:
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                raise MonitorError("QMP did not answer within %d s" % self.timeout)
            if not data:
                raise MonitorError("QMP closed the connection")
            self.buffer += data
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line.decode("utf-8", "replace"))

    def execute(self, command, **arguments):
        """One QMP command; its "return" value (events on the way are skipped)."""
        request = {"execute": command}
        if arguments:
            request["arguments"] = arguments
        self.sock.sendall((json.dumps(request) + "\n").encode())
        while True:
            answer = self._message()
            if "return" in answer:
                return answer["return"]
            if "error" in answer:
                raise MonitorError("%s: %s" % (command, answer["error"].get("desc", answer)))

    def command(self, text):
        """A human-monitor command (as typed at "(qemu)"); its output."""
        return self.execute("human-monitor-command", **{"command-line": text})

    def screendump(self):
        """The screen now: (width, height, rgb bytes, 3 per pixel, rows top down)."""
        fd, path = tempfile.mkstemp(prefix="clankeros-screen-", suffix=".ppm")
        os.close(fd)
        try:
            self.execute("screendump", filename=path)
            with open(path, "rb") as f:
                return ParsePpm(f.read())
        finally:
            os.unlink(path)

    def mouse_move(self, dx, dy):
        return self.command("mouse_move %d %d" % (dx, dy))

    def mouse_button(self, mask):
        return self.command("mouse_button %d" % mask)

    def sendkey(self, key):
        return self.command("sendkey %s" % key)

    def close(self):
        if self.sock:
            self.sock.close()
            self.sock = None
