#!/usr/bin/env bash
# Startup cost of the agent on a trivial program: median wall time of N runs of a main that
# calls one swappable static method, with and without -javaagent, on each JDK given.
# Usage: benchmarks/startup.sh [runs] [java-home...]   (build first: mvn -q -DskipTests package)
# MODULETS_ARGS=",jmx=false" appends agent arguments (e.g. to compare with and without the MBeans).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
agent="$here/agent/target/modulets-agent.jar"
runs=${1:-10}
shift || true
homes=("$@")
[ ${#homes[@]} -gt 0 ] || homes=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")" /usr/lib/jvm/temurin-25-jdk-amd64)
[ -f "$agent" ] || { echo "build the agent first: mvn -q -DskipTests package" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src/hello/swap" "$work/classes" "$work/modules"
cat > "$work/src/hello/swap/Greeting.java" <<'JAVA'
package hello.swap;
public class Greeting { public static String text() { return "hello"; } }
JAVA
cat > "$work/src/hello/Main.java" <<'JAVA'
package hello;
public class Main { public static void main(String[] a) { System.out.println(hello.swap.Greeting.text()); } }
JAVA
javac --release 17 -d "$work/classes" "$work/src/hello/swap/Greeting.java" "$work/src/hello/Main.java"
(cd "$work/classes" && jar cf "$work/modules/greeting.jar" hello/swap && jar cf "$work/app.jar" hello/Main.class)

median_ms() { # command... ; prints the median wall time in ms of $runs runs (after one warm-up run)
  "$@" >/dev/null 2>&1
  local times=()
  for _ in $(seq "$runs"); do
    local t0=$(date +%s%N); "$@" >/dev/null 2>&1; local t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'
}

printf '%-10s %10s %14s %8s\n' JDK "no agent" "with modulets" added
for home in "${homes[@]}"; do
  java="$home/bin/java"
  version=$("$java" -version 2>&1 | head -1 | sed -E 's/.*version "([^"]+)".*/\1/')
  plain=$(median_ms "$java" -cp "$work/app.jar:$work/modules/greeting.jar" hello.Main)
  agented=$(median_ms "$java" "-javaagent:$agent=modules=$work/modules,store=$work/store,log=warn${MODULETS_ARGS:-}" \
      -cp "$work/app.jar:$work/modules/greeting.jar" hello.Main)
  printf '%-10s %8s ms %11s ms %5s ms\n' "$version" "$plain" "$agented" "$(echo "$agented - $plain" | bc)"
done
