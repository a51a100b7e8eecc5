#!/bin/sh
# The build.sh of WorkloadCommandBuildTests' application repository, run by a command build in its clean checkout.
# It appends to the counter file $1 outside the checkout (proof it ran once) and refuses to run when the working
# copy's untracked file reached the checkout.
set -eu
echo built >> "$1"
if [ -e untracked ]; then echo "the working copy's untracked file reached the build" >&2; exit 1; fi
out="$PWD/out/web.tar" kind=image version="$(cat VERSION)" healthy=1 imageName=web sh make-image.sh
