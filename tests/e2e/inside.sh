#!/bin/bash
# Runs inside the nspawn container, as systemd's own unit, with mashd installed.
set -u
exec > /e2e.log 2>&1
failures=0
check() {
  local what=$1; shift
  if "$@"; then echo "PASS $what"; else echo "FAIL $what"; failures=$((failures + 1)); fi
}

MERLIN='{"format":"merlin/1","merlinRef":"MER-26-114072","borough":"E09000012","createdAt":"2026-11-26T21:14:00Z","trigger":"domestic-incident","referralType":"formal-referral","officerRisk":"high","concerns":["DV","child present"],"ecmOutcomesUnmet":["stay-safe"],"children":[{"surname":"Okafor","forenames":"Amara Grace","dob":"2025-09-03","gender":"F","address":{"line1":"14 Mare Street","town":"London","postcode":"E8 4RP"}}],"adults":[{"surname":"Okafor","forenames":"Chidi","dob":"1991-02-17","relationship":"father","role":"suspect"}],"crisRef":"3012345/26","officer":{"name":"PC J Patel","warrantNumber":"224466","unit":"Hackney ERT"},"circumstances":"Police called by neighbour to verbal and physical argument; infant in the flat."}'
LA='{"format":"la-referral/1","contactId":"HK-C-0049113","localAuthority":"Hackney","receivedAt":"2026-11-26T09:02:11Z","source":"2A","referrer":{"name":"Ms R Adeyemi","role":"Designated Safeguarding Lead","organisation":"Mandeville Primary School","phone":"020 7000 0000","professional":true},"children":[{"firstName":"Leo","lastName":"Marsh","dob":"2017-04-22","gender":"M","ethnicity":"WBRI","upn":"H801200101013","nhsNumber":"9434765919","school":"Mandeville Primary School","address":{"line1":"3 Glyn Road","town":"London","postcode":"E5 0JD"}}],"householdMembers":[{"name":"Kerry Marsh","relationship":"mother","parentalResponsibility":true}],"concerns":["neglect","parental-substance-misuse"],"description":"Leo arrives hungry most days and has said mum sleeps all day.","consent":{"parentsInformed":true,"consentGiven":true,"givenBy":"mother"}}'

systemctl --version | head -1
check "sysusers made mash and the groups" getent group mash-intake mash-csc mash-mash-manager
check "the units' Documentation=man:mashd(8) is installed, and mashctl(1)" test -s /usr/share/man/man8/mashd.8 -a -s /usr/share/man/man1/mashctl.1
check "tmpfiles made csc's outbox 2750 mash:mash-csc" test "$(stat -c '%a %U:%G' /var/lib/mashd/outbox/csc)" = "2750 mash:mash-csc"
useradd --no-create-home --groups mash-intake feeder
useradd --no-create-home outsider
as_feeder() { setpriv --reuid=feeder --regid=feeder --init-groups "$@"; }

check "systemctl start mashd.socket" systemctl start mashd.socket
check "the socket is 0660 root-or-mash:mash-intake" test "$(stat -c '%a %G' /run/mashd/intake.sock)" = "660 mash-intake"
out=$(printf '%s\n%s\n' "$MERLIN" "$LA" | as_feeder socat -t 20 - UNIX-CONNECT:/run/mashd/intake.sock)
echo "$out"
check "a member of mash-intake sends both examples; both accepted" test "$(grep -c '"ok":true' <<< "$out")" = 2
check "the first line started mashd.service" systemctl is-active --quiet mashd.service
check "someone outside mash-intake cannot connect" bash -c "! printf '%s\n' '$MERLIN' | setpriv --reuid=outsider --regid=outsider --init-groups socat -t 5 - UNIX-CONNECT:/run/mashd/intake.sock"

sleep 6
status=$(systemctl status mashd.service --no-pager 2>&1)
echo "$status" | head -12
check "systemctl status shows mashd's STATUS line" grep -q 'Status: "waiting: red' <<< "$status"

mkdir -p /etc/mashd
mashctl model > /etc/mashd/model.json
printf '[model]\nfile = "/etc/mashd/model.json"\n' > /etc/mashd/mashd.toml
check "systemctl reload with a good model" systemctl reload mashd.service
sed -i 's/"neglect": 3/"neglect": 2/' /etc/mashd/model.json
check "systemctl reload with a local variation" systemctl reload mashd.service
check "the variation is reported to mash-manager" bash -c 'ls /var/lib/mashd/outbox/mash-manager/new | grep -q "^model-.*escalation"'
echo '{"name": ' > /etc/mashd/model.json
check "systemctl reload with a bad model fails" bash -c '! systemctl reload mashd.service'
sleep 1
check "STATUS says the reload was refused" grep -q 'last reload refused' <<< "$(systemctl status mashd.service --no-pager 2>&1)"
check "mashd still runs the previous model" systemctl is-active --quiet mashd.service
mashctl model > /etc/mashd/model.json
check "a good model reloads again" systemctl reload mashd.service

# Restarts under load: a feeder keeps sending and resends whatever was not answered.
: > /tmp/acked; : > /tmp/refused
(
  for round in $(seq 1 40); do
    lines=""
    for n in $(seq 1 50); do
      ref="E2E-$round-$n"
      grep -q "\"ref\":\"$ref\"" /tmp/acked && continue
      lines+=$(sed "s/MER-26-114072/$ref/" <<< "$MERLIN")$'\n'
    done
    [ -z "$lines" ] && continue
    if ! replies=$(printf '%s' "$lines" | as_feeder socat -t 20 - UNIX-CONNECT:/run/mashd/intake.sock 2>/tmp/socat.err); then
      cat /tmp/socat.err >> /tmp/refused
    fi
    grep '"ok":true' <<< "$replies" >> /tmp/acked
  done
) &
loader=$!
for i in 1 2 3; do sleep 1; systemctl restart mashd.service; done
wait $loader
# One more pass resends what was unanswered at a restart.
for round in $(seq 1 40); do for n in $(seq 1 50); do
  ref="E2E-$round-$n"; grep -q "\"ref\":\"$ref\"" /tmp/acked || sed "s/MER-26-114072/$ref/" <<< "$MERLIN"
done; done | as_feeder socat -t 20 - UNIX-CONNECT:/run/mashd/intake.sock | grep '"ok":true' >> /tmp/acked
check "no connection refused during restarts" test ! -s /tmp/refused
check "every line of the load acknowledged" test "$(grep -o '"ref":"E2E-[0-9]*-[0-9]*"' /tmp/acked | sort -u | wc -l)" = 2000
missing=0
for id in $(grep -o '"id":"[^"]*"' /tmp/acked | cut -d'"' -f4 | sort -u); do
  mashctl case "$id" --state-dir /var/lib/mashd > /dev/null || missing=$((missing + 1))
done
check "every acknowledged case is in the store" test "$missing" = 0

echo "--- /run/mashd and how mashd took its sockets:"
ls -l /run/mashd
journalctl -u mashd.service --no-pager | grep -E 'listening|starting|Started|Stopped' | tail -12

# A Blue case is decided at once: the decision and its products reach the journal.
printf '%s\n' "$(sed -e 's/HK-C-0049113/E2E-BLUE/' -e 's/"neglect","parental-substance-misuse"/"other"/' <<< "$LA")" \
  | as_feeder socat -t 20 - UNIX-CONNECT:/run/mashd/intake.sock
sleep 2
journalctl -u mashd.service -o json --no-pager > /tmp/journal.json
journal=$(cat /tmp/journal.json)
for id in d59f0c13671c48c69533d20c6e87734a 51342760b0e243198a445af92fdd00dd 2063a53bd3004baa991fa7bb69c898ab 0591285ba36148fe938ad3892719059e e3c730d197894b98b53a1b1d8ef95cf0; do
  check "the journal has MESSAGE_ID $id" grep -q "\"MESSAGE_ID\":\"$id\"" <<< "$journal"
done
for field in MASH_CASE_ID MASH_FORMAT MASH_RAG MASH_AGENCY; do
  check "the journal has $field" grep -q "\"$field\":" <<< "$journal"
done
# Personal data is looked for in what was written, not in the fields journald adds itself
# (names beginning with "_": timestamps, cursors, boot ids), whose digits could match a
# number such as the warrant number by chance.
sed -E 's/"_{1,2}[A-Za-z0-9_]+":("[^"]*"|\[[^]]*\]|[0-9]+|null),?//g' /tmp/journal.json > /tmp/journal-written.json
check "the written fields are there to search" grep -q '"MASH_CASE_ID":' /tmp/journal-written.json
check "and journald's own fields are not" bash -c "! grep -q '__REALTIME_TIMESTAMP' /tmp/journal-written.json"
for personal in Okafor Amara Chidi Marsh Kerry Adeyemi Patel 2025-09-03 1991-02-17 2017-04-22 "Mare Street" "Glyn Road" "E8 4RP" "E5 0JD" 9434765919 H801200101013 224466 neighbour hungry Mandeville; do
  check "no personal data in the journal: $personal" bash -c "! grep -q '$personal' /tmp/journal-written.json"
  # Show any field holding it, journald's own included, so a failure names its source.
  grep -o "\"[A-Za-z0-9_]*\":\"[^\"]*$personal[^\"]*\"" /tmp/journal.json | head -3 | sed 's/^/  found in /' || true
done

check "systemctl stop mashd.service" systemctl stop mashd.service
check "the journal has entries at all" test "$(wc -l < /tmp/journal.json)" -gt 20
check "it stopped cleanly" test "$(systemctl show mashd.service -p Result --value)" = success
check "its exit status was 0" test "$(systemctl show mashd.service -p ExecMainStatus --value)" = 0
journalctl -u mashd.service --no-pager | tail -5
echo "RESULT $failures"
