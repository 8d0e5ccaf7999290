#!/usr/bin/env bash
# string_ops_test.sh BINARY...: no `rep stosq` or `rep movsq` in the fast
# path's functions (the engine, the worker, frame parsing and building, the
# applications, the loadgen's engine-less client). GCC's generic x86 tuning
# clears and copies small structs that way when it optimises for speed, and
# their start-up cost showed in time profiles; meson.build picks SSE stores
# instead. A build that loses that choice (as the profile+LTO build did while
# its files disagreed on -march) fails here. Not counted: cold clones
# (".cold"), and the 1- and 4-byte forms, which GCC uses in blocks it
# optimises for size (those a training profile never reached) and for copies
# of a length known only at run time.
set -euo pipefail

(($# > 0)) || { echo "usage: $0 BINARY..." >&2; exit 2; }
command -v objdump > /dev/null || { echo "string_ops_test: objdump (binutils) is missing" >&2; exit 2; }

# Bracketed parentheses: awk -v would take a backslash before them as an escape.
hot='tcpterm::tcp::Engine<|tcpterm::dataplane::Worker::|tcpterm::dataplane::[(]anonymous namespace[)]::worker_entry|tcpterm::wire::build_tcp_frame|tcpterm::wire::parse_frame|tcpterm::wire::[(]anonymous namespace[)]::parse_|tcpterm::app::|tcpterm::loadgen::FastHttpLoad'
status=0
for binary in "$@"; do
  [[ -x $binary ]] || { echo "string_ops_test: $binary is not an executable" >&2; exit 2; }
  # A line with the count of fast-path functions, one per function with rep forms.
  report=$(objdump -d -C --no-show-raw-insn "$binary" | awk -v hot="$hot" '
    /^[0-9a-f]+ <.*>:$/ {
      name = substr($0, index($0, "<") + 1); sub(/>:$/, "", name)
      # Library templates instantiated on our types (a vector of ports) are not ours.
      in_hot = name ~ hot && name !~ /\.cold/ && name !~ /(^|[&*] )std::/
      if (in_hot) { functions++; current = name }
      next
    }
    in_hot && /rep (stos +%rax|movsq)/ { reps[current]++ }
    END {
      printf "functions\t%d\n", functions
      for (f in reps) printf "rep\t%d\t%s\n", reps[f], f
    }')
  functions=$(awk -F'\t' '$1 == "functions" {print $2}' <<< "$report")
  # Guard against passing on nothing: renamed or fully inlined functions.
  if ((functions < 10)); then
    echo "string_ops_test: only $functions fast-path functions found in $binary; update the pattern" >&2
    exit 2
  fi
  offenders=$(awk -F'\t' '$1 == "rep" {print "  " $2 " in " $3}' <<< "$report")
  if [[ -n $offenders ]]; then
    echo "string_ops_test: $binary: rep stosq/movsq in fast-path functions:"
    echo "$offenders"
    status=1
  else
    echo "string_ops_test: $binary: none in $functions fast-path functions"
  fi
done
exit $status
