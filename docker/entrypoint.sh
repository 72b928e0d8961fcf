#!/bin/bash
# Entrypoint of the Customer Base Odoo image.
#
# When the container starts the Odoo server, make sure the database exists
# with the Customer Base add-ons installed first: on the very first start
# this creates the database, installs the add-ons (with demo data unless
# CUSTOMER_BASE_DEMO=false) and stops; later starts find them installed and
# skip it. Then hand over to the official image's entrypoint, which adds the
# database connection options and starts Odoo. Any other command
# ("odoo shell", "bash", "python3 ...") runs as is.
#
# Environment (all optional):
#   HOST, PORT, USER, PASSWORD  PostgreSQL server, as for the official image
#                               (default db, 5432, odoo, odoo)
#   CUSTOMER_BASE_DB            database to create (default customer_base)
#   CUSTOMER_BASE_MODULES       add-ons to install
#                               (default customer_base,customer_loyalty,customer_segments)
#   CUSTOMER_BASE_DEMO          load demo data: true (default) or false
#   CUSTOMER_BASE_INIT          set to false to start Odoo without this step
set -euo pipefail

: "${HOST:=db}"
: "${PORT:=5432}"
: "${USER:=odoo}"
: "${PASSWORD:=odoo}"
DB_NAME="${CUSTOMER_BASE_DB:-customer_base}"
MODULES="${CUSTOMER_BASE_MODULES:-customer_base,customer_loyalty,customer_segments}"
DB_OPTIONS=(--db_host "$HOST" --db_port "$PORT" --db_user "$USER" --db_password "$PASSWORD")

# True when the arguments start the Odoo server: "odoo [--options]" or
# "[--options]", but not an Odoo sub-command such as "odoo shell".
starts_server() {
    case "${1:-odoo}" in
        odoo | --)
            [ "$#" -le 1 ] || [[ "$2" == -* ]]
            ;;
        -*) return 0 ;;
        *) return 1 ;;
    esac
}

run_psql() {
    PGPASSWORD="$PASSWORD" psql -h "$HOST" -p "$PORT" -U "$USER" "$@"
}

wait_for_postgres() {
    for _ in $(seq 1 60); do
        if run_psql -d postgres -tAc "SELECT 1" >/dev/null 2>&1; then
            return 0
        fi
        echo "Waiting for PostgreSQL on $HOST:$PORT..."
        sleep 2
    done
    echo "PostgreSQL on $HOST:$PORT did not answer: giving up." >&2
    exit 1
}

# "installed" once the add-ons are in the database, empty before.
customer_base_state() {
    run_psql -d "$DB_NAME" -tAc \
        "SELECT state FROM ir_module_module WHERE name = 'customer_base'" 2>/dev/null || true
}

initialise_database() {
    if [ "$(customer_base_state)" = "installed" ]; then
        return 0
    fi
    local demo_option="--without-demo="
    if [ "${CUSTOMER_BASE_DEMO:-true}" = "false" ]; then
        demo_option="--without-demo=all"
    fi
    echo "Initialising the database $DB_NAME with $MODULES (this takes a few minutes)..."
    odoo "${DB_OPTIONS[@]}" --database "$DB_NAME" --init "$MODULES" "$demo_option" \
        --stop-after-init --no-http --max-cron-threads=0
    echo "Database $DB_NAME is ready: log in with admin / admin."
}

if starts_server "$@" && [ "${CUSTOMER_BASE_INIT:-true}" != "false" ]; then
    wait_for_postgres
    initialise_database
fi

exec /entrypoint.sh "$@"
