#!/bin/sh
# shellgate allow / forget: narrow rules in the user's file only.
. "$(dirname "$0")/policy-lib.sh"
rm -f "$UF"
rmdir "$XDG_CONFIG_HOME/shellgate"

is "before: unknown command asked" ask "frobnicate --all"
"$BIN" allow 'frobnicate --all' >/dev/null 2>&1
ok_if "allow creates the user file" test -f "$UF"
mode=$(stat -c %a "$UF" 2>/dev/null || stat -f %Lp "$UF")
if [ "$mode" = 600 ]; then ok "user file mode 0600"; else notok "user file mode 0600" "mode $mode"; fi
ok_if "user file has format 1" grep -q '"format":[[:space:]]*1' "$UF"
is "exact command now allowed" allow "frobnicate --all"
is "other arguments still asked" ask "frobnicate --all --force"
is "chained with something else: the rest is judged" ask "frobnicate --all; frobnicate2"
is "dynamic words still asked" ask 'frobnicate --all $X'
ok_if "no project file written" test ! -e "$P/.shellgate/rules.json"

"$BIN" allow 'npmx run *' >/dev/null 2>&1
is "prefix pattern: any arguments" allow "npmx run build --watch"
is "prefix pattern: not another subcommand" ask "npmx publish"

"$BIN" allow 'rm -rf /' >/dev/null 2>&1
is "an allow never beats a deny" deny "rm -rf /"

"$BIN" allow 'deploy-tool go' --project "$P" >/dev/null 2>&1
is "--project: allowed in that project" allow "deploy-tool go"
O="$T/other"
mkdir -p "$O"
got=$("$BIN" check --cwd "$O" --project "$O" -- 'deploy-tool go' 2>/dev/null | head -1)
if [ "$got" = ask ]; then ok "--project: asked elsewhere"; else notok "--project: asked elsewhere" "got $got"; fi

"$BIN" allow 'once-tool x' --once >/dev/null 2>&1
is "--once: allowed now" allow "once-tool x"
ok_if "--once rule carries an expiry" grep -q '"before"' "$UF"
# an expired --once rule no longer applies
sed 's/"before":[[:space:]]*[0-9.e+]*/"before": 1000/' "$UF" >"$UF.x" && cat "$UF.x" >"$UF" && rm -f "$UF.x"
is "--once: expired rule no longer allows" ask "once-tool x"

out=$("$BIN" rules 2>/dev/null)
case $out in *user.allow.1*user*) ok "rules lists the user rule and its layer" ;;
*) notok "rules lists the user rule and its layer" "$out" ;; esac
ok_if "forget removes a rule" "$BIN" forget user.allow.1
is "forgotten rule no longer allows" ask "frobnicate --all"
is "other user rules kept" allow "npmx run build"
ok_if "forget of an unknown id fails" sh -c "! '$BIN' forget user.allow.999"
ok_if "allow refuses a compound command" sh -c "! '$BIN' allow 'a && b'"
chmod 666 "$UF"
ok_if "allow refuses a user file writable by others" sh -c "! '$BIN' allow 'x y'"
chmod 600 "$UF"
printf '// comment\n{ "format": 1 }\n' >"$UF"
ok_if "allow refuses to rewrite a file with comments" sh -c "! '$BIN' allow 'x y'"
ok_if "the commented file is left as it was" grep -q '^// comment' "$UF"
tap_done
