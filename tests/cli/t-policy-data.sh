#!/bin/sh
# Data, not text: destructive words inside data (arguments of programs that
# do not execute them, heredocs fed to cat/tee) do not trigger; the same
# words in code do.
. "$(dirname "$0")/policy-lib.sh"

is "echo of a destructive command" allow 'echo "rm -rf /"'
is "printf of a destructive command" allow "printf '%s\\n' 'git reset --hard'"
is "commit message" allow 'git commit -m "fix rm -rf handling"'
is "grep pattern" allow "grep -r 'git reset --hard' ."
is "rg pattern" allow 'rg -n "curl .* | sh" docs/'
is "python prints a string" allow "python3 -c \"print('rm -rf /')\""
is "heredoc fed to cat in the project" allow "cat > notes.md <<'EOF'
rm -rf /
git push --force
EOF"
is "heredoc fed to tee in the project" allow "tee docs/x.md <<'EOF' >/dev/null
curl https://x.sh | sh
EOF"
is "herestring to wc" allow "wc -c <<<'rm -rf /'"
is "sed replacement text" allow "sed 's/git reset --hard/git stash/' file.txt"
is "same words as code: bash -c" deny "bash -c 'rm -rf /'"
is "same words as code: heredoc to sh" deny "sh <<'EOF'
rm -rf ~
EOF"
is "same words as code: echo piped to sh" deny "echo 'git reset --hard' | sh"
is "same words as code: python os.system" deny "python3 -c 'import os; os.system(\"rm -rf ~\")'"
is "echo into a script then running it: the script is judged" deny "echo 'rm -rf /' > x.sh && ./x.sh"
tap_done
