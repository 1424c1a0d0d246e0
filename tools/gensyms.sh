#!/bin/sh
# Turn a linked kernel's text symbols into the .ksyms table (assembly).
# Usage: gensyms.sh KERNEL.elf > syms.S      (empty table: gensyms.sh -)
set -eu
if [ "$1" = "-" ]; then
    syms=""
else
    syms=$(nm -n "$1" | awk '$2 ~ /^[tTwW]$/ && $3 !~ /^\./ && $3 !~ /^TrapStub/ { print $1, $3 }')
fi
echo '.section .ksyms, "a"'
echo '.global KernelSymbolCount, KernelSymbols, KernelSymbolNames'
echo '.align 4'
echo "KernelSymbolCount: .long $(printf '%s\n' "$syms" | grep -c . || true)"
echo 'KernelSymbols:'
printf '%s\n' "$syms" | awk 'NF == 2 { printf "    .long 0x%s, %d\n", $1, off; off += length($2) + 1 }'
echo 'KernelSymbolNames:'
printf '%s\n' "$syms" | awk 'NF == 2 { printf "    .asciz \"%s\"\n", $2 }'
