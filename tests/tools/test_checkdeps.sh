#!/bin/sh
# tools/checkdeps on small trees made here: it passes a tree that keeps
# its layers, and fails, naming the file, for each way of breaking them:
# an upward include, another module's own header, an upward call.
set -u
checkdeps="$(cd "$(dirname "$0")/../.." && pwd)/tools/checkdeps"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

# A tree: lib (bottom), kernel above it, servers/a and servers/b.
MakeTree() {
    rm -rf "$work/t" && mkdir -p "$work/t" && cd "$work/t" || exit 1
    git init -q .
    mkdir -p tools lib include/lib include/kernel kernel servers/a servers/b
    cp "$(dirname "$checkdeps")/layers.txt" tools/ 2>/dev/null
    printf 'layer lib lib/ include/lib/\nuses\nlayer kernel kernel/ include/kernel/\nuses lib\nlayer servers servers/\nuses lib\n' > tools/layers.txt
    printf 'int LibThing(void);\n' > include/lib/thing.h
    printf '#include <lib/thing.h>\nint LibThing(void) { return 1; }\n' > lib/thing.c
    printf 'int KernelThing(void);\n' > include/kernel/k.h
    printf '#include <lib/thing.h>\n#include <kernel/k.h>\nint KernelThing(void) { return LibThing(); }\n' > kernel/k.c
    printf 'int Own(void);\n' > servers/a/own.h
    printf '#include "own.h"\n#include <lib/thing.h>\nint Own(void) { return LibThing(); }\n' > servers/a/a.c
    printf 'int B(void) { return 0; }\n' > servers/b/b.c
}

Track() { git add -A >/dev/null; }

Expect() {          # Expect STATUS WORDS WHAT
    out=$("$checkdeps" --root "$work/t" ${OBJECTS:-} 2>&1)
    status=$?
    if [ "$status" -eq "$1" ] && printf '%s' "$out" | grep -q -- "$2"; then
        echo "PASS checkdeps: $3"
        passed=$((passed + 1))
    else
        echo "FAIL checkdeps: $3 (status $status)"
        printf '%s\n' "$out" | sed 's/^/    | /'
        failed=$((failed + 1))
    fi
}

MakeTree; Track
Expect 0 "layers kept" "a tree that keeps its layers passes"

MakeTree; printf '#include <kernel/k.h>\n' >> lib/thing.c; Track
Expect 1 "lib/thing.c: includes include/kernel/k.h (layer kernel, not used by lib)" \
    "a planted upward include (lib -> kernel) fails"

MakeTree; printf '#include "../a/own.h"\n' >> servers/b/b.c; Track
Expect 1 "servers/b/b.c: includes servers/a/own.h, the own header of another module" \
    "another module's own header fails"

MakeTree; printf 'int KernelThing(void);\nint Up(void) { return KernelThing(); }\n' >> lib/thing.c; Track
mkdir -p obj/lib obj/kernel
gcc -c -Iinclude -o obj/lib/thing.c.o lib/thing.c && gcc -c -Iinclude -o obj/kernel/k.c.o kernel/k.c
OBJECTS="--objects $work/t/obj" Expect 1 "lib/thing.c: calls KernelThing (layer kernel, not used by lib)" \
    "a planted upward call (lib -> kernel) fails"

# A module with an order of its files: low.c is below high.c.
MakeOrdered() {
    MakeTree
    printf 'order servers/a/ own a low high\n' >> tools/layers.txt
    printf 'int Low(void);\n' > servers/a/low.h
    printf 'int High(void);\n' > servers/a/high.h
    printf '#include "low.h"\nint Low(void) { return 2; }\n' > servers/a/low.c
    printf '#include "low.h"\n#include "high.h"\nint High(void) { return Low(); }\n' > servers/a/high.c
}

CompileA() {
    rm -rf obj && mkdir -p obj/servers/a obj/lib
    gcc -c -Iinclude -o obj/lib/thing.c.o lib/thing.c
    for f in a low high; do gcc -c -Iinclude -o obj/servers/a/$f.c.o servers/a/$f.c || exit 1; done
}

MakeOrdered; Track; CompileA
OBJECTS="--objects $work/t/obj" Expect 0 "layers kept" "a module whose files keep their order passes"

MakeOrdered; printf '#include "high.h"\n' >> servers/a/low.c; Track
Expect 1 "servers/a/low.c: includes servers/a/high.h, above it in its module's order" \
    "a planted include up a module's order fails"

MakeOrdered; printf 'int High(void);\nint Up(void) { return High(); }\n' >> servers/a/low.c; Track; CompileA
OBJECTS="--objects $work/t/obj" Expect 1 "servers/a/low.c: calls High of servers/a/high.c, above it in its module's order" \
    "a planted call up a module's order (a cycle) fails"

MakeOrdered; printf 'int Stray(void) { return 3; }\n' > servers/a/stray.c; Track
Expect 1 "servers/a/stray.c: is not in its module's order" "a file left out of its module's order fails"

echo "checkdeps tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
