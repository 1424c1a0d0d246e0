"""The usb suite: USB sticks on QEMU's qemu-xhci (drivers/usb).

  usb   one boot with two usb-storage sticks: a 64 MiB FAT32 image made
        on the host with mkfs.fat and mtools on a USB 3 port of the first
        xHCI controller (block:usb:1.1), and a 4 MiB raw image holding a
        seeded pattern on a second controller that has only USB 2 ports
        (block:usb:2.1, a high-speed device, its port reset first).
        `ls usb:` and `cat usb:` show both; `ls block:` lists them; the FAT32 stick is mounted as fs:usb:, its nested
        long-name files read back byte-exact, files and directories are
        written; on the raw stick bin/blktest info, check, pattern and
        errors; then each fault of the mass storage driver, armed through
        usb:2.1:fault (a short data stage, a CSW with a bad signature, one
        with a bad tag, a stalled CBW, MEDIUM ERROR sense, a device that
        never answers): each is one clear error, the stick works again
        right after, and a request past the end is refused before any
        command goes out (the armed fault is still armed after it). Last,
        the raw stick is pulled out (QEMU's device_del) while a read
        waits for it: the read ends in E_DEAD, not a hang. After poweroff, on the host:
        fsck.fat -n is clean, mtools reads what ClankerOS wrote, and the
        raw image holds the pattern where it was written and nothing else
        changed.
"""
import os
import re
import socket
import subprocess
import time
import zlib

from session import BUILD, Checks, Session, SessionError

STICK_LINE = "46f4:0001 storage super QEMU USB HARDDRIVE"     # on a USB 3 port
HIGH_LINE = "46f4:0001 storage high QEMU USB HARDDRIVE"       # on a USB 2 port
RAW_SECTORS = 8192      # 4 MiB of 512-byte sectors
RAW_SEED = 5


def FatStick(e2e, path):
    """A 64 MiB FAT32 image with long names, nested directories and a
    300000-byte file; returns {name: bytes}."""
    if os.path.exists(path):
        os.unlink(path)
    e2e.Tool("mkfs.fat", "-C", "-F", "32", "-n", "USBSTICK", path, "65536")
    files = {
        "Long Name Document.txt": b"A document on a USB stick, with a long name.\n",
        "Nested Dir/Inner Dir/deep file.txt": b"deep inside the stick\n",
        "Nested Dir/Three Hundred Thousand.bin":
            bytes(((i * 2654435761) >> 13) & 0xff for i in range(300000)),
    }
    e2e.Tool("mmd", "-i", path, "::/Nested Dir", "::/Nested Dir/Inner Dir")
    host = path + ".host"
    for name, data in files.items():
        open(host, "wb").write(data)
        e2e.Tool("mcopy", "-i", path, host, "::/" + name)
    os.unlink(host)
    return files


def Monitor(path, command):
    """One command to QEMU's human monitor at the unix socket path."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as m:
        m.connect(path)
        m.settimeout(5)
        time.sleep(0.3)
        m.recv(4096)
        m.sendall((command + "\n").encode())
        time.sleep(0.5)
        try:
            return m.recv(4096).decode("utf-8", "replace")
        except socket.timeout:
            return ""


def Devices(e2e, s, c):
    c.check(e2e.Announced(s, r"^usb: block:usb:1\.1: QEMU QEMU HARDDISK, 131072 sectors of 512 "
                             r"bytes\n") and
            e2e.Announced(s, r"^usb: block:usb:2\.1: QEMU QEMU HARDDISK, 8192 sectors of 512 "
                             r"bytes\n"),
            "the driver announces block:usb:1.1 and 2.1 with their sizes")
    c.equal(s.run("ls usb:"), "1.1 %s\n2.1 %s\n" % (STICK_LINE, HIGH_LINE),
            "ls usb: lists both sticks: bus.address, vendor:product, class, speed, name")
    c.equal(s.run("cat usb:"), "B.D VEND:PROD CLASS SPEED NAME\n1.1 %s\n2.1 %s\n" %
            (STICK_LINE, HIGH_LINE), "cat usb: gives the table")
    c.equal(s.run("cat usb:2.1"), "2.1 %s\n" % HIGH_LINE, "cat usb:2.1 gives its line")
    c.equal(s.run("cat usb:3.1"), "cat: usb:3.1: no such file\n", "a device that is not there")
    c.equal(s.run("ls usb:1.1"), "ls: usb:1.1: not a directory\n", "ls of a device")
    c.equal(s.run("cat usb:1.1:fault"), "none\n", "no fault is armed at first")
    out = s.run("ls block:")
    c.check("usb:1.1\nusb:2.1\n" in out, "ls block: lists block:usb:1.1 and 2.1", out)
    c.equal(s.run("ls block:usb:"), "1.1\n2.1\n", "ls block:usb: lists both")


def FatOnStick(e2e, s, c, files):
    c.equal(s.run("mount block:usb:1.1 fs:usb:"), "", "mount block:usb:1.1 fs:usb:")
    c.equal(s.run("ls fs:usb:"), "Long Name Document.txt\nNested Dir/\n",
            "ls fs:usb: shows the long names mtools made")
    c.equal(s.run('ls "fs:usb:Nested Dir"'), "Inner Dir/\nThree Hundred Thousand.bin\n",
            "ls of a nested directory")
    c.equal(s.run('cat "fs:usb:Long Name Document.txt"'),
            files["Long Name Document.txt"].decode(), "cat a long-named file")
    c.equal(s.run('cat "fs:usb:nested dir/INNER DIR/Deep File.txt"'),
            files["Nested Dir/Inner Dir/deep file.txt"].decode(), "cat two directories down")
    data = files["Nested Dir/Three Hundred Thousand.bin"]
    out = s.run('run fs:root:bin/sum "fs:usb:Nested Dir/Three Hundred Thousand.bin"', timeout=300)
    c.contains(out, "%08x %d" % (zlib.crc32(data), len(data)),
               "a 300000-byte file reads back byte for byte (CRC-32)")
    s.run('mkdir "fs:usb:Made On ClankerOS"')
    s.run('echo written by ClankerOS > "fs:usb:Made On ClankerOS/A New Long Name.txt"')
    s.run('echo second line >> "fs:usb:Made On ClankerOS/A New Long Name.txt"')
    s.run('cat "fs:usb:Nested Dir/Three Hundred Thousand.bin" > "fs:usb:Made On ClankerOS/copy.bin"',
          timeout=300)
    c.equal(s.run('ls "fs:usb:Made On ClankerOS"'), "A New Long Name.txt\ncopy.bin\n",
            "the new directory lists the new files")
    c.equal(s.run("sync fs:usb:"), "", "sync fs:usb:")


def RawStick(e2e, s, c):
    name = "block:usb:2.1"
    e2e.Blktest(s, c, name, "info",
                r'^blktest: block:usb:2\.1: 8192 sectors of 512 bytes \(4096 KiB\), flags 0x0, '
                r'model "QEMU QEMU HARDDISK"$', "blktest info: size, the INQUIRY model")
    e2e.Blktest(s, c, name, "check 0 %d %d" % (RAW_SECTORS, RAW_SEED),
                r"^blktest: block:usb:2\.1: check: 8192 sectors from 0 match seed 5$",
                "the whole stick reads as the host wrote it")
    e2e.Blktest(s, c, name, "pattern 100 300 11",
                r"^blktest: block:usb:2\.1: pattern: 300 sectors from 100 match seed 11$",
                "a pattern over 300 sectors written, synced, read back")
    e2e.Blktest(s, c, name, "errors", r"^blktest: block:usb:2\.1: errors: \d+ passed, 0 failed$",
                "every block protocol error case")


FAULTS = [  # (word, blktest error, the driver's line or None, what)
    ("short", -5, r"usb: block:usb:2\.1: short transfer: 3584 of 4096 bytes, the CSW's residue 0",
     "a data stage shorter than the CSW accounts for"),
    ("csw-signature", -5,
     r"usb: block:usb:2\.1: no valid CSW \(length, signature, tag\) \(error\); reset recovery",
     "a CSW with a bad signature"),
    ("csw-tag", -5,
     r"usb: block:usb:2\.1: no valid CSW \(length, signature, tag\) \(error\); reset recovery",
     "a CSW with the wrong tag"),
    ("stall", -5, r"usb: block:usb:2\.1: the CBW failed \(stall\); reset recovery",
     "a CBW the device stalls"),
    ("medium", -5, None, "MEDIUM ERROR sense"),
    ("timeout", -110, r"usb: block:usb:2\.1: the CBW failed \(no answer\); reset recovery",
     "a device that does not answer"),
]


def Faults(e2e, s, c):
    name = "block:usb:2.1"
    for word, code, line, what in FAULTS:
        c.equal(s.run("echo %s > usb:2.1:fault" % word), "", "arm the fault " + word)
        c.equal(s.run("cat usb:2.1:fault"), word + "\n", "usb:2.1:fault says %s is armed" % word)
        out = s.run("run fs:root:bin/blktest %s check 0 8 %d" % (name, RAW_SEED), timeout=120)
        c.check(("read of 8 at sector 0 failed (%d)" % code) in out,
                "%s: the read fails with %d" % (what, code), out)
        if line:
            c.check(re.search(line, out), what + ": the driver says what happened", out)
        else:
            c.check("reset recovery" not in out and "short transfer" not in out,
                    what + ": no transport error: the SCSI layer's E_IO from the sense", out)
        c.equal(s.run("cat usb:2.1:fault"), "none\n", what + ": the fault is used up")
        e2e.Blktest(s, c, name, "check 0 64 %d" % RAW_SEED,
                    r"^blktest: block:usb:2\.1: check: 64 sectors from 0 match seed 5$",
                    what + ": the stick reads correctly right after")
    # A write that fails: its CSW is bad. Nothing outside its range changes
    # (checked on the host after poweroff).
    s.run("echo csw-signature > usb:2.1:fault")
    out = s.run("run fs:root:bin/blktest %s pattern 2000 16 12" % name)
    c.check("failed (-5)" in out, "a write whose CSW is bad fails with E_IO", out)
    c.equal(s.run("echo bogus > usb:2.1:fault"), "echo: usb:2.1:fault: invalid argument\n",
            "a word that is no fault is E_INVAL")
    # Past the end: refused by the block layer before a command is sent, so
    # the armed fault is still waiting for the next command.
    s.run("echo timeout > usb:2.1:fault")
    start = time.monotonic()
    out = s.run("run fs:root:bin/blktest %s read 8190 4" % name)
    c.check("read 8190+4: error -34" in out and time.monotonic() - start < 4,
            "a read past the end is E_RANGE from the driver, at once", out)
    c.equal(s.run("cat usb:2.1:fault"), "timeout\n",
            "nothing was sent for it: the armed fault is still armed")
    c.equal(s.run("echo none > usb:2.1:fault"), "", "disarm with none")


def Unplug(e2e, s, c, monitor):
    """The raw stick pulled out while a read waits for it (the timeout
    fault holds the command on the ring): an error, never a hang."""
    s.run("echo timeout > usb:2.1:fault")
    e2e.Background(s, "run fs:root:bin/blktest block:usb:2.1 check 2016 %d %d" %
                   (RAW_SECTORS - 2016, RAW_SEED))
    time.sleep(1)
    Monitor(monitor, "device_del usbraw")
    m = s.wait_for(r"blktest: block:usb:2\.1: check: (.*(match seed \d+|failed \(-?\d+\)))$", 60)
    c.check("failed (-130)" in m.group(1),
            "the read waiting when the stick is pulled out ends in E_DEAD", m.group(0))
    c.check(e2e.Announced(s, r"usb: block:usb:2\.1: the device is gone$", 10),
            "the driver says the stick is gone")
    out = s.run("run fs:root:bin/blktest block:usb:2.1 check 0 8 %d" % RAW_SEED, timeout=60)
    c.check("failed (-130)" in out, "after the unplug the stick is E_DEAD at once", out)
    c.equal(s.run("ls usb:"), "1.1 %s\n2.1 %s (gone)\n" % (STICK_LINE, HIGH_LINE),
            "ls usb: shows the stick as gone")
    c.equal(s.run('cat "fs:usb:Long Name Document.txt"'),
            "A document on a USB stick, with a long name.\n", "the other stick still serves")


def UsbSuite():
    import run as e2e
    c = Checks("e2e-usb")
    directory = os.path.join(BUILD, "usb-test")
    os.makedirs(directory, exist_ok=True)
    fat = os.path.join(directory, "stick.img")
    files = FatStick(e2e, fat)
    raw = os.path.join(directory, "raw.img")
    with open(raw, "wb") as f:
        f.write(e2e.PatternBytes(RAW_SEED, 0, RAW_SECTORS))
    monitor = os.path.join(directory, "monitor.sock")
    if os.path.exists(monitor):
        os.unlink(monitor)
    args = ["-device", "qemu-xhci,id=xhci",
            "-drive", "if=none,id=stick0,format=raw,file=" + fat,
            "-device", "usb-storage,bus=xhci.0,drive=stick0,id=usbfat",
            "-device", "qemu-xhci,id=xhci2,p3=0",
            "-drive", "if=none,id=stick1,format=raw,file=" + raw,
            "-device", "usb-storage,bus=xhci2.0,drive=stick1,id=usbraw",
            "-monitor", "unix:%s,server=on,wait=off" % monitor]
    s = Session("e2e-usb", extra_args=args)
    try:
        s.boot()
        Devices(e2e, s, c)
        FatOnStick(e2e, s, c, files)
        RawStick(e2e, s, c)
        Faults(e2e, s, c)
        Unplug(e2e, s, c, monitor)
        s.type("poweroff\n")
        c.equal(s.finish(60), 0, "poweroff (unmounting fs:usb: first) ends QEMU with status 0")
    except SessionError as e:
        c.check(False, "session went as planned", e)
        s.kill()
    status, out = e2e.Tool("fsck.fat", "-n", fat)
    c.check(status == 0, "fsck.fat -n finds the stick clean", out)
    for name, want in (("Made On ClankerOS/A New Long Name.txt",
                        b"written by ClankerOS\nsecond line\n"),
                       ("Made On ClankerOS/copy.bin", files["Nested Dir/Three Hundred Thousand.bin"]),
                       ("Long Name Document.txt", files["Long Name Document.txt"])):
        p = subprocess.run(["mtype", "-i", fat, "::/" + name], env=e2e.MTOOLS_ENV,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        c.check(p.returncode == 0 and p.stdout == want, "mtools reads %s exactly" % name,
                p.stderr.decode() + repr(p.stdout[:80]))
    c.check(e2e.ImageHolds(raw, 11, 100, 300, 512), "raw.img holds the pattern at sectors 100-399")
    c.check(e2e.ImageHolds(raw, RAW_SEED, 0, 100, 512) and
            e2e.ImageHolds(raw, RAW_SEED, 400, 1600, 512) and
            e2e.ImageHolds(raw, RAW_SEED, 2016, RAW_SECTORS - 2016, 512),
            "raw.img is untouched outside the sectors written (the failed write's included)")
    return c
