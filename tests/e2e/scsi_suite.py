"""The e2e suite "scsi": one boot with a virtio-scsi controller and three
disks on it (drivers/virtioscsi on lib/scsi.c):

  block:scsi:0.0.0  a FAT32 image made on the host with mkfs.fat and
                    mcopy: mounted, its nested long-name files read back
                    byte for byte, files written; after poweroff fsck.fat
                    -n finds it clean and mtools reads what was written
  block:scsi:0.1.0  4096-byte blocks: blktest pattern and check
  block:scsi:0.2.3  a LUN other than 0, on a target without LUN 0

and the fault paths (bin/scsifault): a read past the end refused before
any command is sent; a MEDIUM ERROR, a response virtio-scsi does not
define and a device that never answers each give their error (E_IO,
E_IO, E_TIMEDOUT), and the driver serves the next read; a UNIT ATTENTION
is sent again by the SCSI layer and the read succeeds.
"""
import os
import re
import subprocess
import time
import zlib

from session import BUILD, Checks, Session, SessionError

MTOOLS_ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1", LC_ALL="C.UTF-8",
                  PATH=os.environ.get("PATH", "/usr/bin") + ":/usr/sbin:/sbin")


def Tool(*args):
    p = subprocess.run(args, env=MTOOLS_ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return p.returncode, p.stdout


def PatternWord(seed, sector, index):
    """tests/programs/blktest.c's PatternWord."""
    m = 0xffffffff
    x = (seed ^ (sector * 0x9e3779b1) ^ ((sector >> 32) * 0x7feb352d) ^ (index * 0x85ebca77)) & m
    x ^= x >> 16
    x = (x * 0x21f0aaad) & m
    x ^= x >> 15
    x = (x * 0x735a2d97) & m
    x ^= x >> 15
    return x


def Pattern(seed, first, count, size):
    import struct
    return b"".join(struct.pack("<%dI" % (size // 4),
                                *(PatternWord(seed, s, w) for w in range(size // 4)))
                    for s in range(first, first + count))


FILES = {   # made on the host; names below the root are nested and long
    "Top Level Directory/Second Level Folder/A Rather Long File Name.txt":
        b"made on the host, two directories down\n",
    "Top Level Directory/Second Level Folder/Two Hundred Thousand.bin":
        bytes((i * 131 + (i >> 8) * 7 + 5) & 0xff for i in range(200000)),
    "Short.txt": b"short\n",
}


def FatImage(path):
    if os.path.exists(path):
        os.unlink(path)
    Tool("mkfs.fat", "-C", "-F", "32", "-n", "SCSIDISK", path, str(65536))
    Tool("mmd", "-i", path, "::/Top Level Directory", "::/Top Level Directory/Second Level Folder")
    host = path + ".host"
    for name, data in FILES.items():
        open(host, "wb").write(data)
        Tool("mcopy", "-i", path, host, "::/" + name)
    os.unlink(host)


def Devices(fat, large, lun):
    return ["-device", "virtio-scsi-pci,id=scsi",
            "-drive", "file=%s,format=raw,if=none,id=scsi0" % fat,
            "-device", "scsi-hd,drive=scsi0,bus=scsi.0,channel=0,scsi-id=0,lun=0",
            "-drive", "file=%s,format=raw,if=none,id=scsi1" % large,
            "-device", "scsi-hd,drive=scsi1,bus=scsi.0,channel=0,scsi-id=1,lun=0,"
                       "logical_block_size=4096,physical_block_size=4096",
            "-drive", "file=%s,format=raw,if=none,id=scsi2" % lun,
            "-device", "scsi-hd,drive=scsi2,bus=scsi.0,channel=0,scsi-id=2,lun=3"]


def Announced(s, pattern, timeout=60):
    """Whether the console printed a line matching pattern (before or after a prompt)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with s.lock:
            if re.search(pattern, s.text, re.M):
                return True
        time.sleep(0.2)
    return False


def Commands(s):
    m = re.search(r"scsifault: (\d+) commands", s.run("run fs:root:bin/scsifault stat"))
    return int(m.group(1)) if m else -1


def Read(s, name, sector, count):
    return s.run("run fs:root:bin/scsifault read %s %d %d" % (name, sector, count), timeout=60)


def FileSystem(s, c):
    c.equal(s.run("mount block:scsi:0.0.0 fs:scsi:"), "", "mount block:scsi:0.0.0 fs:scsi:")
    c.equal(s.run('ls "fs:scsi:Top Level Directory/Second Level Folder"'),
            "A Rather Long File Name.txt\nTwo Hundred Thousand.bin\n",
            "ls two directories down: the long names")
    c.equal(s.run('cat "fs:scsi:Top Level Directory/Second Level Folder/A Rather Long File Name.txt"'),
            FILES["Top Level Directory/Second Level Folder/A Rather Long File Name.txt"].decode(),
            "cat a nested long-name file")
    big = FILES["Top Level Directory/Second Level Folder/Two Hundred Thousand.bin"]
    out = s.run('run fs:root:bin/sum "fs:scsi:Top Level Directory/Second Level Folder/'
                'Two Hundred Thousand.bin"')
    c.contains(out, "%08x %d" % (zlib.crc32(big), len(big)),
               "a 200000-byte nested file reads back byte for byte (CRC-32)")
    c.equal(s.run('mkdir "fs:scsi:Made By ClankerOS"'), "", "mkdir with a long name")
    s.run('echo written by ClankerOS > "fs:scsi:Made By ClankerOS/A New Long File Name.txt"')
    s.run('echo second line >> "fs:scsi:Made By ClankerOS/A New Long File Name.txt"')
    s.run('cat "fs:scsi:Top Level Directory/Second Level Folder/Two Hundred Thousand.bin" > '
          '"fs:scsi:Made By ClankerOS/Copied Two Hundred Thousand.bin"')
    out = s.run('run fs:root:bin/sum "fs:scsi:Made By ClankerOS/Copied Two Hundred Thousand.bin"')
    c.contains(out, "%08x %d" % (zlib.crc32(big), len(big)), "the copy reads back the same")
    c.equal(s.run("rm fs:scsi:Short.txt"), "", "rm")
    c.equal(s.run("sync fs:scsi:"), "", "sync fs:scsi:")


def Faults(s, c, sectors):
    name = "block:scsi:0.0.0"
    before = Commands(s)
    c.contains(Read(s, name, sectors, 1), ": error -34\n", "a read past the end is E_RANGE")
    c.contains(Read(s, name, sectors - 4, 8), ": error -34\n",
               "a read running past the end is E_RANGE")
    c.check(before > 0 and Commands(s) == before, "no command was sent for them",
            "%d then %d" % (before, Commands(s)))
    good = Read(s, name, 0, 120)
    c.matches(good, r"^scsifault: read \S+ 0 120: 61440 bytes, crc [0-9a-f]{8}$",
              "a 60 KiB read")
    c.check(Commands(s) == before + 1, "a 60 KiB read is one SCSI command")
    for kind, error, what in (("medium", -5, "MEDIUM ERROR is E_IO"),
                              ("response", -5, "a response virtio-scsi does not define is E_IO"),
                              ("timeout", -110, "a device that never answers is E_TIMEDOUT")):
        c.contains(s.run("run fs:root:bin/scsifault arm " + kind), ": 0\n", "arm " + kind)
        c.contains(Read(s, name, 0, 120), ": error %d\n" % error, what)
        c.equal(Read(s, name, 0, 120), good, "after %s the driver serves the same data" % kind)
    count = Commands(s)
    s.run("run fs:root:bin/scsifault arm attention")
    c.equal(Read(s, name, 0, 120), good, "a UNIT ATTENTION is retried: the read succeeds")
    c.check(Commands(s) == count + 2, "the retry is one command more")
    c.contains(s.run("run fs:root:bin/scsifault arm bogus"), ": -22\n",
               "an unknown fault is refused (E_INVAL)")


def ScsiSuite():
    c = Checks("e2e-scsi")
    directory = os.path.join(BUILD, "scsi-test")
    os.makedirs(directory, exist_ok=True)
    fat = os.path.join(directory, "fat32.img")
    large = os.path.join(directory, "large4k.img")
    lun = os.path.join(directory, "lun3.img")
    FatImage(fat)
    open(large, "wb").write(Pattern(21, 0, 512, 4096))
    open(lun, "wb").write(Pattern(22, 0, 2048, 512))
    sectors = os.path.getsize(fat) // 512
    s = Session("e2e-scsi", extra_args=Devices(fat, large, lun))
    try:
        s.boot()
        c.check(Announced(s, r"virtioscsi: block:scsi:0\.2\.3"), "the driver announces its units")
        c.matches(s.text, r"(^|clanker> )virtioscsi: block:scsi:0\.0\.0: QEMU QEMU HARDDISK, %d sectors of "
                  r"512 bytes\nvirtioscsi: block:scsi:0\.1\.0: QEMU QEMU HARDDISK, 512 sectors "
                  r"of 4096 bytes\nvirtioscsi: block:scsi:0\.2\.3: QEMU QEMU HARDDISK, 2048 "
                  r"sectors of 512 bytes" % sectors, "three units: target 0, 1 (4 KiB), 2 LUN 3")
        out = s.run("ls block:")
        c.contains(out, "scsi:0.0.0\nscsi:0.1.0\nscsi:0.2.3\n", "ls block: lists them")
        c.equal(s.run("ls block:scsi:"), "0.0.0\n0.1.0\n0.2.3\n", "ls block:scsi:")
        out = s.run("run fs:root:bin/blktest block:scsi:0.1.0 check 0 512 21", timeout=120)
        c.contains(out, "check: 512 sectors from 0 match seed 21", "4 KiB blocks read as written")
        out = s.run("run fs:root:bin/blktest block:scsi:0.1.0 pattern 100 60 23", timeout=120)
        c.contains(out, "pattern: 60 sectors from 100 match seed 23", "4 KiB blocks written")
        out = s.run("run fs:root:bin/blktest block:scsi:0.2.3 check 0 2048 22", timeout=120)
        c.contains(out, "check: 2048 sectors from 0 match seed 22", "LUN 3 reads as written")
        out = s.run("run fs:root:bin/blktest block:scsi:0.2.3 errors", timeout=120)
        c.matches(out, r"errors: \d+ passed, 0 failed$", "every block protocol error on LUN 3")
        FileSystem(s, c)
        Faults(s, c, sectors)
        s.type("poweroff\n")
        c.equal(s.finish(60), 0, "poweroff (unmounting fs:scsi:) ends QEMU with status 0")
    except SessionError as e:
        c.check(False, "session went as planned", e)
        s.kill()
    status, out = Tool("fsck.fat", "-n", fat)
    c.check(status == 0, "fsck.fat -n finds the FAT32 image clean", out.decode("utf-8", "replace"))
    status, out = Tool("mtype", "-i", fat, "::/Made By ClankerOS/A New Long File Name.txt")
    c.equal(out, b"written by ClankerOS\nsecond line\n", "mtools reads the file ClankerOS wrote")
    status, out = Tool("mtype", "-i", fat, "::/Made By ClankerOS/Copied Two Hundred Thousand.bin")
    c.check(out == FILES["Top Level Directory/Second Level Folder/Two Hundred Thousand.bin"],
            "mtools reads the 200000-byte copy byte for byte")
    status, out = Tool("mdir", "-b", "-i", fat, "::/")
    c.check(b"Short.txt" not in out and b"Made By ClankerOS" in out,
            "the removed file is gone, the new directory there", out.decode("utf-8", "replace"))
    data = open(large, "rb").read()
    c.check(data[100 * 4096:160 * 4096] == Pattern(23, 100, 60, 4096) and
            data[:100 * 4096] == Pattern(21, 0, 100, 4096) and
            data[160 * 4096:] == Pattern(21, 160, 352, 4096),
            "large4k.img holds the pattern at blocks 100-159 and nothing else changed")
    return c
