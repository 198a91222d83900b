#!/usr/bin/env bash
# Converts Fashion-MNIST IDX files to the Kaggle layout that the ingest service imports.
#
#   deploy/fashion-mnist.sh --help
#   deploy/fashion-mnist.sh --count 2000 -o /tmp/fashion-batch1
#
# Builds the deploy/tools module first when its sources changed since the last build, then runs
# dev.saguaro.tools.fashion.ConvertFashionMnistCommand with every argument passed through.
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="$ROOT_DIR/deploy/tools"
CLASSPATH_FILE="$TOOLS_DIR/target/classpath.txt"

if [[ ! -f "$CLASSPATH_FILE" ]] ||
  [[ -n "$(find "$TOOLS_DIR/src/main" "$TOOLS_DIR/pom.xml" -newer "$CLASSPATH_FILE" -print -quit)" ]]; then
  echo "Building deploy/tools ..." >&2
  # Maven 3.8 ends a quiet build with bare ANSI reset codes, even in batch mode: drop them.
  (cd "$ROOT_DIR" && mvn -q -B -pl deploy/tools -am package -DskipTests -Dspotless.check.skip=true) 2>&1 |
    sed 's/\x1b\[[0-9;]*m//g' >&2 ||
    {
      echo "fashion-mnist.sh: building deploy/tools failed; run the mvn command above to see why" >&2
      exit 1
    }
fi

exec java -cp "$TOOLS_DIR/target/classes:$(cat "$CLASSPATH_FILE")" \
  dev.saguaro.tools.fashion.ConvertFashionMnistCommand "$@"
