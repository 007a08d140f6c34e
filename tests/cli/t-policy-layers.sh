#!/bin/sh
# Layered configuration: user file, project file (tighten only), refused
# user files, trusted_projects.
. "$(dirname "$0")/policy-lib.sh"

is "no user file: built-in packs decide" allow "git status"
is "built-in deny stands" deny "rm -rf ~"

user_file '{ "format": 1, "rules": [ { "id": "u.deny-make", "decision": "deny", "reason": "no make here",
  "match": { "program": ["make"] }, "examples": { "match": ["make"], "no_match": ["ls"] } } ] }'
is "user file deny rule applies" deny "make -j4"
user_file '{ "format": 1, "rules": [ { "id": "u.allow-foo", "decision": "allow", "reason": "foo is fine",
  "match": { "program": ["foo-tool"] }, "examples": { "match": ["foo-tool x"], "no_match": ["ls"] } } ] }'
is "user file allow rule applies" allow "foo-tool build"
is "a user allow does not beat a built-in deny" deny "foo-tool x; rm -rf /"

chmod 664 "$UF"
is "user file writable by group: every request is denied" deny "git status"
chmod 606 "$UF"
is "user file writable by others: every request is denied" deny "ls"
chmod 600 "$UF"
is "fixed permissions: back to normal" allow "git status"
rm -f "$UF"

# project file: deny and ask rules are honoured
project_file '{ "format": 1, "rules": [ { "id": "p.ask-ls", "decision": "ask", "reason": "project says ask",
  "match": { "program": ["ls"] }, "examples": { "match": ["ls"], "no_match": ["pwd"] } } ] }'
is "project ask rule tightens" ask "ls -la"
project_file '{ "format": 1, "rules": [ { "id": "p.allow-foo", "decision": "allow", "reason": "project allow",
  "match": { "program": ["foo-tool"] }, "examples": { "match": ["foo-tool"], "no_match": ["ls"] } } ] }'
is "project allow rule is ignored" ask "foo-tool build"
out=$("$BIN" rules --project "$P" 2>&1)
case $out in *"allow rule ignored"*) ok "project allow rule: warning shown by rules" ;;
*) notok "project allow rule: warning shown by rules" "$out" ;; esac

# one test per section an untrusted project file may not set
section() { # name json check-cmd expected-decision
	project_file "{ \"format\": 1, $2 }"
	out=$("$BIN" rules --project "$P" 2>&1)
	case $out in *"section '$1' ignored"*) ok "project section '$1' ignored with a warning" ;;
	*) notok "project section '$1' ignored with a warning" "$out" ;; esac
	is "project section '$1' has no effect" "$4" "$3"
}
section wrappers '"wrappers": [ { "names": ["rm"], "kind": "exec" } ]' "rm -rf ~" deny
section programs '"programs": { "rm": { "flags": { "recursive": ["-Z"] } } }' "rm -rf ~" deny
section paths '"paths": { "secret": ["!.env"] }' "cat .env" deny
section defaults '"defaults": { "unmatched": "allow" }' "foo-tool build" ask
section sandbox '"sandbox": { "profiles": { "open": { "network": "all" } } }' "git status" allow
section mode '"mode": "audit"' "git status" allow

# trusted_projects in the user file lifts the restriction
project_file '{ "format": 1, "defaults": { "unmatched": "allow" }, "rules": [ { "id": "p.allow-foo", "decision": "allow",
  "reason": "project allow", "match": { "program": ["foo-tool"] }, "examples": { "match": ["foo-tool"], "no_match": ["ls"] } } ] }'
user_file "{ \"format\": 1, \"trusted_projects\": [\"$P\"] }"
is "trusted project: its allow rule applies" allow "foo-tool build"
out=$("$BIN" rules --project "$P" 2>&1)
case $out in *"ignored"*) notok "trusted project: no warnings" "$out" ;; *) ok "trusted project: no warnings" ;; esac
is "trusted project: still no allow over a built-in deny" deny "foo-tool x && rm -rf ~"
user_file '{ "format": 1, "trusted_projects": ["/somewhere/else"] }'
is "another project trusted: allow ignored again" ask "foo-tool build"
out=$("$BIN" rules --project "$P" 2>/dev/null)
case $out in *"p.allow-foo"*) notok "rules does not list the ignored rule" ;; *) ok "rules does not list the ignored rule" ;; esac
tap_done
