#!/bin/sh
# A small demo workload for the TUI: files, directories, a pipeline, a network socket attempt.
dir=$(mktemp -d)
i=0
while [ $i -lt ${1:-30} ]; do
  mkdir -p "$dir/d$i"
  echo "line $i" > "$dir/d$i/file"
  cat "$dir/d$i/file" | wc -c > /dev/null
  ls -la "$dir" > /dev/null
  printf 'round %s: \033[32mok\033[0m\n' "$i"
  i=$((i + 1))
  sleep 0.2
done
rm -rf "$dir"
