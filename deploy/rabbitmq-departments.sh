#!/usr/bin/env bash
# One RabbitMQ user per department, allowed to publish only to the intake exchange and only with
# its own routing keys (intake.<department>.<kind>): the department in a routing key is then who
# sent the message (kinds: injury, accident, public_order, hazard). The users can read nothing and
# declare nothing; `safecommunity migrate` (or incidents, when it starts) declares the exchange and
# its queue, so run the migrate step first.
#
#   deploy/rabbitmq-departments.sh [-p VHOST] DEPARTMENT[:PASSWORD] ...
#
# A department is lower-case letters, digits and dashes (city-hospital, traffic-police). The user
# is named after it. Without a password one is generated and printed, once. Run again to change
# a password or to restore the permissions. RABBITMQCTL overrides the rabbitmqctl command
# (e.g. "docker compose exec -T rabbitmq rabbitmqctl").
set -euo pipefail

EXCHANGE=safecommunity.intake
vhost=/
if [ "${1:-}" = "-p" ]; then vhost=$2; shift 2; fi
if [ $# -eq 0 ]; then
  sed -n '2,14s/^# \{0,1\}//p' "$0" >&2
  exit 2
fi
read -r -a ctl <<< "${RABBITMQCTL:-rabbitmqctl}"

for spec in "$@"; do
  department=${spec%%:*}
  password=${spec#*:}
  if [ "$password" = "$spec" ]; then password=$(head -c 18 /dev/urandom | base64 | tr -d '/+='); generated=1; else generated=; fi
  if ! [[ $department =~ ^[a-z0-9][a-z0-9-]{0,58}$ ]]; then
    echo "bad department name '$department': lower-case letters, digits and dashes" >&2
    exit 2
  fi
  if "${ctl[@]}" -q list_users | awk '{print $1}' | grep -qx -- "$department"; then
    printf '%s' "$password" | "${ctl[@]}" -q change_password "$department" >/dev/null
  else
    printf '%s' "$password" | "${ctl[@]}" -q add_user "$department" >/dev/null
  fi
  # configure nothing, write only the intake exchange, read nothing
  "${ctl[@]}" -q set_permissions -p "$vhost" "$department" '^$' "^${EXCHANGE//./\\.}\$" '^$'
  # on that exchange, write only intake.<department>.*
  "${ctl[@]}" -q set_topic_permissions -p "$vhost" "$department" "$EXCHANGE" "^intake\\.${department}\\.[a-z_]+\$" '^$'
  echo "department $department: may publish to $EXCHANGE with intake.$department.<kind> in vhost $vhost"
  if [ -n "$generated" ]; then echo "  password: $password"; fi
done
