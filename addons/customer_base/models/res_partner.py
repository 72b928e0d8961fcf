# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import calendar
from datetime import date, timedelta

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.phone_validation.tools.phone_validation import phone_parse

try:
    import phonenumbers
except ImportError:  # pragma: no cover - declared in external_dependencies
    phonenumbers = None

ACQUISITION_CHANNELS = [
    ("website_form", "Website form"),
    ("questionnaire", "Questionnaire"),
    ("checkout", "Checkout"),
    ("point_of_sale", "Point of sale"),
    ("qr_code", "QR code"),
    ("feedback", "Feedback"),
    ("social_network", "Social network"),
    ("import", "Import"),
    ("other", "Other"),
]
NAME_ORDERS = [
    ("last_first_middle", "Last name, first name, middle name"),
    ("first_middle_last", "First name, middle name, last name"),
    ("first_last", "First name, last name"),
]
NAME_PARTS = ("firstname", "middlename", "lastname")
PHONE_FIELDS = ("phone", "mobile")
# Consent purpose -> flag on the contact showing its newest given / withdrawn event.
CONSENT_FLAGS = {
    "personal_data": "consent_personal_data",
    "marketing_email": "consent_marketing_email",
    "marketing_sms": "consent_marketing_sms",
}
# Changes of these fields are announced to webhook subscribers as customer.updated.
WEBHOOK_FIELDS = frozenset(
    (
        "name",
        "firstname",
        "middlename",
        "lastname",
        "email",
        "phone",
        "mobile",
        "birth_day",
        "birth_month",
        "birth_year",
        "gender",
        "marital_status",
        "acquisition_channel",
        "country_id",
        "city",
        "active",
    )
)
COUNTER_FIELDS = (
    "purchase_count",
    "purchase_total",
    "purchase_average",
    "first_purchase_date",
    "last_purchase_date",
)


def clean_name_part(value):
    """Trim spaces and capitalise a name part typed in lower or upper case.

    Mixed-case input ("McDonald", "де Голль") is kept as typed.
    """
    if not value:
        return False
    words = [
        "-".join(piece[:1].upper() + piece[1:].lower() for piece in word.split("-"))
        if word.islower() or word.isupper()
        else word
        for word in value.split()
    ]
    return " ".join(words) or False


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "utm.mixin"]

    # Phones are stored in E.164: indexed so duplicates are found by equality.
    phone = fields.Char(index="btree_not_null")
    mobile = fields.Char(index="btree_not_null")

    # -- names ---------------------------------------------------------------
    firstname = fields.Char("First Name", index=True)
    middlename = fields.Char("Middle Name", help="Patronymic or middle name.")
    lastname = fields.Char("Last Name", index=True)

    # -- personal data -------------------------------------------------------
    birth_day = fields.Integer("Day of Birth")
    birth_month = fields.Selection(
        [(str(month), calendar.month_name[month]) for month in range(1, 13)],
        "Month of Birth",
    )
    birth_year = fields.Integer("Year of Birth", help="Leave empty when unknown.")
    birthdate = fields.Date(
        compute="_compute_birthdate",
        inverse="_inverse_birthdate",
        store=True,
        help="Full date of birth; set only when the year is known.",
    )
    birthday_key = fields.Integer(
        compute="_compute_birthday_key",
        store=True,
        index=True,
        help="Month * 100 + day: lets birthday filters use an index across years.",
    )
    birthday_period = fields.Selection(
        [("today", "Today"), ("week", "Next 7 days"), ("month", "This month")],
        compute="_compute_birthday_period",
        search="_search_birthday_period",
        string="Birthday",
    )
    age = fields.Integer(compute="_compute_age", search="_search_age")
    gender = fields.Selection([("female", "Female"), ("male", "Male"), ("other", "Other")])
    marital_status = fields.Selection(
        [
            ("single", "Single"),
            ("married", "Married"),
            ("civil_union", "Civil union"),
            ("divorced", "Divorced"),
            ("widowed", "Widowed"),
        ]
    )

    # -- acquisition ---------------------------------------------------------
    customer_registration_date = fields.Date(
        "Registration Date",
        index=True,
        copy=False,
        help="Date of registration through any channel or of the first confirmed "
        "purchase, whichever is earlier.",
    )
    acquisition_channel = fields.Selection(ACQUISITION_CHANNELS, copy=False)
    can_edit_registration_date = fields.Boolean(compute="_compute_can_edit_registration_date")

    # -- consent -------------------------------------------------------------
    consent_ids = fields.One2many("customer.consent", "partner_id", string="Consent History")
    consent_personal_data = fields.Boolean(
        "Personal Data Consent", readonly=True, copy=False, index=True
    )
    consent_marketing_email = fields.Boolean(
        "Email Marketing Consent", readonly=True, copy=False, index=True
    )
    consent_marketing_sms = fields.Boolean(
        "SMS Marketing Consent", readonly=True, copy=False, index=True
    )

    # -- purchase counters (written in SQL by _update_purchase_counters) ------
    # index=False: Odoo would index a company-dependent field on "is set", which
    # does not narrow a search when most customers have bought; without these
    # indexes, updating the counters at each sale can stay on the row's page
    # (a HOT update) instead of adding an entry to every index of the table.
    purchase_count = fields.Integer(company_dependent=True, readonly=True, copy=False, index=False)
    purchase_total = fields.Float(
        company_dependent=True,
        readonly=True,
        copy=False,
        index=False,
        digits="Product Price",
        help="Total of confirmed sale orders, in the company currency.",
    )
    purchase_average = fields.Float(
        company_dependent=True, readonly=True, copy=False, index=False, digits="Product Price"
    )
    first_purchase_date = fields.Date(
        company_dependent=True, readonly=True, copy=False, index=False
    )
    last_purchase_date = fields.Date(company_dependent=True, readonly=True, copy=False, index=False)

    # -- data quality --------------------------------------------------------
    duplicate_partner_ids = fields.Many2many(
        "res.partner", compute="_compute_duplicate_partner_ids", string="Possible Duplicates"
    )
    duplicate_count = fields.Integer(compute="_compute_duplicate_partner_ids")
    data_quality_issue = fields.Selection(
        [
            ("no_contact", "No phone and no email"),
            ("invalid_phone", "Invalid phone"),
            ("invalid_email", "Invalid email"),
        ],
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Set by the nightly data-quality check.",
    )

    _sql_constraints = [
        (
            "birth_day_valid",
            "CHECK (birth_day IS NULL OR (birth_day >= 0 AND birth_day <= 31))",
            "The day of birth must be between 1 and 31.",
        ),
    ]

    # ------------------------------------------------------------------
    # Birthday and age
    # ------------------------------------------------------------------
    @api.depends("birth_day", "birth_month", "birth_year")
    def _compute_birthdate(self):
        for partner in self:
            partner.birthdate = partner._birth_date_for_year(partner.birth_year)

    def _inverse_birthdate(self):
        for partner in self:
            if partner.birthdate:
                partner.birth_day = partner.birthdate.day
                partner.birth_month = str(partner.birthdate.month)
                partner.birth_year = partner.birthdate.year
            elif partner.birth_year:
                partner.birth_year = False

    def _birth_date_for_year(self, year):
        """The birthday in ``year``, or False; 29 February falls on the 28th."""
        self.ensure_one()
        if not (year and self.birth_month and self.birth_day):
            return False
        month = int(self.birth_month)
        day = min(self.birth_day, calendar.monthrange(year, month)[1])
        return date(year, month, day)

    @api.depends("birth_day", "birth_month")
    def _compute_birthday_key(self):
        for partner in self:
            if partner.birth_day and partner.birth_month:
                partner.birthday_key = int(partner.birth_month) * 100 + partner.birth_day
            else:
                partner.birthday_key = 0

    @api.constrains("birth_day", "birth_month", "birth_year")
    def _check_birthday(self):
        today = fields.Date.context_today(self)
        for partner in self:
            if not partner.birth_day and not partner.birth_month:
                continue
            if not (partner.birth_day and partner.birth_month):
                raise ValidationError(
                    _("%(name)s: give both the day and the month of birth.", name=partner.name)
                )
            month = int(partner.birth_month)
            leap_year = 2000
            if partner.birth_day > calendar.monthrange(partner.birth_year or leap_year, month)[1]:
                raise ValidationError(
                    _(
                        "%(name)s: %(day)s is not a day of %(month)s.",
                        name=partner.name,
                        day=partner.birth_day,
                        month=calendar.month_name[month],
                    )
                )
            if partner.birth_year and not (1900 <= partner.birth_year <= today.year):
                raise ValidationError(
                    _(
                        "%(name)s: the year of birth %(year)s is not plausible.",
                        name=partner.name,
                        year=partner.birth_year,
                    )
                )

    @api.depends("birthdate")
    @api.depends_context("tz")
    def _compute_age(self):
        today = fields.Date.context_today(self)
        for partner in self:
            born = partner.birthdate
            if born:
                partner.age = (
                    today.year - born.year - ((today.month, today.day) < (born.month, born.day))
                )
            else:
                partner.age = 0

    def _search_age(self, operator, value):
        """Translate an age condition into a birthdate range (uses the column)."""
        if operator not in ("=", "!=", "<", "<=", ">", ">=") or not isinstance(value, int):
            raise ValidationError(
                _(
                    "Unsupported search on age: %(operator)s %(value)s",
                    operator=operator,
                    value=value,
                )
            )
        today = fields.Date.context_today(self)

        def born_before(age):
            # people aged >= age were born on or before this date
            try:
                return today.replace(year=today.year - age)
            except ValueError:  # 29 February
                return today.replace(year=today.year - age, day=28)

        if operator == ">=":
            return [("birthdate", "<=", born_before(value))]
        if operator == ">":
            return [("birthdate", "<=", born_before(value + 1))]
        if operator == "<=":
            return [("birthdate", ">", born_before(value + 1))]
        if operator == "<":
            return [("birthdate", ">", born_before(value))]
        equal = [
            ("birthdate", "<=", born_before(value)),
            ("birthdate", ">", born_before(value + 1)),
        ]
        if operator == "=":
            return equal
        return ["|", ("birthdate", "=", False), "!", *["&", *equal]]

    def _compute_birthday_period(self):
        keys = {
            period: set(self._birthday_keys_for_period(period))
            for period in ("today", "week", "month")
        }
        for partner in self:
            partner.birthday_period = next(
                (
                    period
                    for period in ("today", "week", "month")
                    if partner.birthday_key in keys[period]
                ),
                False,
            )

    @api.model
    def _birthday_keys_for_period(self, period):
        """Month*100+day keys of the birthdays falling in ``period``."""
        today = fields.Date.context_today(self)
        if period == "today":
            days = [today]
        elif period == "week":
            days = [today + timedelta(days=offset) for offset in range(7)]
        elif period == "month":
            last = calendar.monthrange(today.year, today.month)[1]
            days = [today.replace(day=day) for day in range(1, last + 1)]
        else:
            raise ValidationError(_("Unknown birthday period: %s", period))
        keys = [day.month * 100 + day.day for day in days]
        if today.month == 2 and 228 in keys and not calendar.isleap(today.year):
            keys.append(229)  # people born on 29 February celebrate on the 28th
        return keys

    def _search_birthday_period(self, operator, value):
        if operator not in ("=", "in"):
            raise ValidationError(_("Unsupported search on birthday: %s", operator))
        periods = [value] if isinstance(value, str) else list(value)
        keys = set()
        for period in periods:
            keys.update(self._birthday_keys_for_period(period))
        return [("birthday_key", "in", sorted(keys))]

    # ------------------------------------------------------------------
    # Registration
    # ------------------------------------------------------------------
    @api.depends_context("uid")
    def _compute_can_edit_registration_date(self):
        allowed = self.env.user.has_group("customer_base.group_customer_manager")
        for partner in self:
            partner.can_edit_registration_date = allowed

    def _check_registration_date_write(self, vals):
        if (
            "customer_registration_date" in vals
            and not self.env.su
            and not self.env.user.has_group("customer_base.group_customer_manager")
        ):
            raise AccessError(_("Only Customer Base managers can change the registration date."))

    # ------------------------------------------------------------------
    # Normalisation (one place for every entry point)
    # ------------------------------------------------------------------
    @api.model
    def _normalize_customer_phone(self, number, country=None, field_label=None):
        """Return ``number`` in E.164 or raise a ValidationError naming it.

        The region is ``country`` when given, else the current company's
        country. This is the single phone-normalisation helper of the add-ons:
        forms, imports, the API and the registration page all go through it.
        """
        if not number or not str(number).strip():
            return False
        number = str(number).strip()
        region = (country or self.env.company.country_id).code
        try:
            parsed = phone_parse(number, region)
        except Exception as error:  # phone_parse raises UserError with details
            raise ValidationError(
                _(
                    "%(field)s: %(value)s is not a valid phone number.",
                    field=field_label or _("Phone"),
                    value=number,
                )
            ) from error
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)

    @api.model
    def _normalize_customer_email(self, email):
        """Return ``email`` trimmed and lower-cased, or raise a ValidationError."""
        if not email or not email.strip():
            return False
        email = email.strip()
        normalized = tools.email_normalize(email, strict=True)
        if not normalized:
            raise ValidationError(_("Email: %s is not a valid email address.", email))
        return normalized

    def _field_label(self, fname):
        return self._fields[fname]._description_string(self.env)

    def _prepare_customer_values(self, vals, country=None, is_company=None):
        """Clean ``vals`` in place: names, phones, email and the composed name."""
        loading_data = bool(self.env.context.get("install_module"))
        for fname in NAME_PARTS:
            if fname in vals:
                vals[fname] = clean_name_part(vals[fname])
        for fname in PHONE_FIELDS:
            if vals.get(fname):
                try:
                    vals[fname] = self._normalize_customer_phone(
                        vals[fname], country, self._field_label(fname)
                    )
                except ValidationError:
                    if not loading_data:
                        raise
        if vals.get("email"):
            try:
                vals["email"] = self._normalize_customer_email(vals["email"])
            except ValidationError:
                if not loading_data:
                    raise
        return vals

    @api.model
    def _name_order(self):
        return (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("customer_base.name_order", "last_first_middle")
        )

    @api.model
    def _compose_name(self, firstname, middlename, lastname):
        order = self._name_order()
        if order == "first_middle_last":
            parts = (firstname, middlename, lastname)
        elif order == "first_last":
            parts = (firstname, lastname)
        else:
            parts = (lastname, firstname, middlename)
        return " ".join(part for part in parts if part) or False

    @api.model
    def _split_name(self, name):
        """Split a person's ``name`` into parts following the name order."""
        words = (name or "").split()
        if not words:
            return {"firstname": False, "middlename": False, "lastname": False}
        order = self._name_order()
        if len(words) == 1:
            return {"firstname": words[0], "middlename": False, "lastname": False}
        if order == "last_first_middle":
            return {
                "lastname": words[0],
                "firstname": words[1],
                "middlename": " ".join(words[2:]) or False,
            }
        if order == "first_middle_last" and len(words) > 2:
            return {
                "firstname": words[0],
                "middlename": " ".join(words[1:-1]),
                "lastname": words[-1],
            }
        return {"firstname": words[0], "middlename": False, "lastname": " ".join(words[1:])}

    def _country_for_phone(self, vals):
        country_id = vals.get("country_id")
        if country_id:
            return self.env["res.country"].browse(country_id)
        if vals.get("parent_id"):
            return self.browse(vals["parent_id"]).country_id
        return self.env["res.country"]

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------
    def _prepare_person_name(self, vals):
        """Compose ``name`` from its parts, or split a typed ``name`` into parts."""
        parts = {fname: vals[fname] for fname in NAME_PARTS if fname in vals}
        if not parts and vals.get("name"):
            parts = self._split_name(vals["name"])
        if parts:
            vals.update({fname: clean_name_part(value) for fname, value in parts.items()})
            if not self:
                vals["name"] = self._compose_name(
                    *(vals.get(fname) for fname in NAME_PARTS)
                ) or vals.get("name")
        return vals

    @api.onchange("firstname", "middlename", "lastname")
    def _onchange_name_parts(self):
        for partner in self.filtered(lambda p: not p.is_company):
            name = self._compose_name(*(clean_name_part(partner[fname]) for fname in NAME_PARTS))
            if name:
                partner.name = name

    @api.model_create_multi
    def create(self, vals_list):
        flag_values = [
            {fname: vals.pop(fname) for fname in CONSENT_FLAGS.values() if fname in vals}
            for vals in vals_list
        ]
        for vals in vals_list:
            self._check_registration_date_write(vals)
        today = self._customer_today()
        for vals in vals_list:
            self._prepare_customer_values(vals, self._country_for_phone(vals))
            if not vals.get("is_company") and (
                vals.get("name") or any(vals.get(fname) for fname in NAME_PARTS)
            ):
                self._prepare_person_name(vals)
            registering = vals.get("acquisition_channel") or self.env.context.get(
                "customer_base_register"
            )
            if registering and not vals.get("customer_registration_date"):
                vals["customer_registration_date"] = today
        partners = super().create(vals_list)
        consent_events = [
            event
            for partner, flags in zip(partners, flag_values, strict=True)
            for event in partner._consent_events_for_flags(flags, {})
        ]
        if consent_events:
            self.env["customer.consent"].create(consent_events)
        self.env["customer.webhook.delivery"]._enqueue(
            "customer.created", partners.filtered(lambda p: not p.parent_id)
        )
        return partners

    def write(self, vals):  # pylint: disable=method-required-super
        """Reaches ``super().write`` through ``_write_customer_values``, which
        may split the records (companies, countries) and call it per group."""
        consent_events = self._consent_events_for_flag_write(vals)
        if consent_events:
            vals = {k: v for k, v in vals.items() if k not in CONSENT_FLAGS.values()}
        result = self._write_customer_values(vals) if vals else True
        if WEBHOOK_FIELDS.intersection(vals):
            self.env["customer.webhook.delivery"]._enqueue(
                "customer.updated", self.filtered(lambda p: not p.parent_id)
            )
        if consent_events:
            self.env["customer.consent"].create(consent_events)
        return result

    def _write_customer_values(self, vals):
        """``write`` with the customer card's normalisation and name handling."""
        self._check_registration_date_write(vals)
        if self.env.context.get("customer_base_skip_prepare"):
            return super().write(vals)
        vals = dict(vals)
        if any(vals.get(fname) for fname in PHONE_FIELDS) and "country_id" not in vals:
            return self._write_per_country(vals)
        self._prepare_customer_values(vals, self._country_for_phone(vals))
        if "name" in vals or any(fname in vals for fname in NAME_PARTS):
            companies = (
                self.filtered("is_company")
                if "is_company" not in vals
                else (self if vals["is_company"] else self.browse())
            )
            persons = self - companies
            if persons and companies:
                super(ResPartner, companies).write(vals)
                return persons._write_customer_values(vals)
            if persons:
                persons._prepare_person_name(vals)
                vals.pop("name", None)
                result = self._write_and_resync(vals)
                persons._recompose_names()
                return result
        return self._write_and_resync(vals)

    def _write_and_resync(self, vals):
        commercial_before = self.commercial_partner_id if "parent_id" in vals else None
        result = super().write(vals)
        if commercial_before is not None:
            (commercial_before | self.commercial_partner_id)._update_purchase_counters()
        return result

    def unlink(self):
        if self.sudo().consent_ids:
            raise UserError(
                _("Customers with a consent history cannot be deleted: archive them instead.")
            )
        return super().unlink()

    def _write_per_country(self, vals):
        """Phones are normalised with each partner's own country."""
        for country, partners in self.grouped(lambda p: p.country_id).items():
            phone_vals = dict(vals)
            partners._prepare_customer_values(phone_vals, country)
            super(ResPartner, partners.with_context(customer_base_skip_prepare=True)).write(
                {k: v for k, v in phone_vals.items() if k in PHONE_FIELDS}
            )
        other_vals = {k: v for k, v in vals.items() if k not in PHONE_FIELDS}
        return self._write_customer_values(other_vals) if other_vals else True

    def _recompose_names(self):
        for partner in self:
            name = self._compose_name(partner.firstname, partner.middlename, partner.lastname)
            if name and name != partner.name:
                super(ResPartner, partner).write({"name": name})
        return True

    # ------------------------------------------------------------------
    # Consent flags (they only follow consent events)
    # ------------------------------------------------------------------
    def _consent_events_for_flag_write(self, vals):
        """Consent events for a direct write of consent flags (form, RPC,
        import): a value that differs from the history becomes an event
        recorded by the current user at server time, through the usual ACLs.
        Values that agree with the history, as written by the flags' own
        sync, give no event and are written as they are."""
        flags = {fname: vals[fname] for fname in CONSENT_FLAGS.values() if fname in vals}
        if not flags:
            return []
        decisions = self.env["customer.consent"]._latest_decisions(self.ids)
        return [
            event
            for partner in self
            for event in partner._consent_events_for_flags(flags, decisions)
        ]

    def _consent_events_for_flags(self, flags, decisions):
        """Values of the events that bring this partner's history to ``flags``;
        ``decisions`` as given by ``customer.consent._latest_decisions``."""
        self.ensure_one()
        channel = "import" if self.env.context.get("import_file") else "staff"
        events = []
        for purpose, fname in CONSENT_FLAGS.items():
            if fname not in flags:
                continue
            given = bool(flags[fname])
            if given != (decisions.get((self.id, purpose), (None, ""))[1] == "given"):
                events.append(
                    {
                        "partner_id": self.id,
                        "purpose": purpose,
                        "state": "given" if given else "withdrawn",
                        "channel": channel,
                    }
                )
        return events

    def _sync_consent_flags(self, decisions):
        """Write on each partner the flags its history gives, one write per set
        of changed values."""
        changes = {}
        for partner in self.sudo():
            values = {
                fname: decisions.get((partner.id, purpose), (None, ""))[1] == "given"
                for purpose, fname in CONSENT_FLAGS.items()
            }
            changed = tuple(
                (fname, value) for fname, value in values.items() if partner[fname] != value
            )
            if changed:
                changes.setdefault(changed, []).append(partner.id)
        for changed, partner_ids in changes.items():
            self.sudo().browse(partner_ids).with_context(customer_base_skip_prepare=True).write(
                dict(changed)
            )

    # ------------------------------------------------------------------
    # Purchase counters
    # ------------------------------------------------------------------
    @api.model
    def _customer_timezone(self):
        """Registration and purchase dates are days of the company's timezone,
        whoever records them, so that stored dates do not depend on the user."""
        return self.env.company.sudo().partner_id.tz or "UTC"

    @api.model
    def _customer_today(self):
        return fields.Date.context_today(self.with_context(tz=self._customer_timezone()))

    def _update_purchase_counters(self, rebuild=False):
        """Recompute the purchase counters of the commercial partners of ``self``.

        One set-based statement for all of them: confirmed sale orders of each
        commercial partner and its contacts, per company, in the company
        currency. Counters of a company without orders are removed, so
        cancelling or deleting the last order brings them back to zero. The
        registration date becomes the first purchase when that is earlier.

        The new values of the current company are left in the cache, for the
        tier check that follows a sale. ``rebuild`` is for a batch of the
        whole-base rebuild: it leaves the rows whose counters are right as they
        are and returns nothing to the cache, so a batch never loads its
        partners. (A sale changes the counters it updates: there the check
        would only make the statement slower to plan.)
        """
        if not self.ids:
            return
        self.env["sale.order"].flush_model(
            ["state", "partner_id", "company_id", "date_order", "amount_total", "currency_rate"]
        )
        self.flush_model(["commercial_partner_id", "customer_registration_date"])
        unchanged_guard = SQL(
            """
            AND (partner.purchase_count, partner.purchase_total, partner.purchase_average,
                 partner.first_purchase_date, partner.last_purchase_date,
                 partner.customer_registration_date)
                IS DISTINCT FROM
                (per_partner.purchase_count, per_partner.purchase_total,
                 per_partner.purchase_average, per_partner.first_date,
                 per_partner.last_date,
                 LEAST(partner.customer_registration_date, per_partner.first_any))
            """
        )
        returning = SQL(
            """
            RETURNING partner.id, partner.purchase_count -> %(company)s,
                      partner.purchase_total -> %(company)s,
                      partner.purchase_average -> %(company)s,
                      partner.first_purchase_date -> %(company)s,
                      partner.last_purchase_date -> %(company)s
            """,
            company=str(self.env.company.id),
        )
        self.env.cr.execute(
            SQL(
                """
                WITH company_tz AS MATERIALIZED (
                    -- Planned apart: a few rows, and a cheaper plan for the rest.
                    SELECT company.id, COALESCE(company_partner.tz, 'UTC') AS tz
                      FROM res_company company
                      JOIN res_partner company_partner ON company_partner.id = company.partner_id
                ), targets AS (
                    -- In SQL: a batch of the rebuild cron never loads its partners.
                    SELECT DISTINCT commercial_partner_id AS id
                      FROM res_partner
                     WHERE id = ANY(%(ids)s) AND commercial_partner_id IS NOT NULL
                ), orders AS (
                    SELECT partner.commercial_partner_id AS partner_id,
                           sale.company_id,
                           count(*) AS purchase_count,
                           sum(sale.amount_total / COALESCE(NULLIF(sale.currency_rate, 0), 1))
                               AS purchase_total,
                           min(sale.date_order) AS first_order,
                           max(sale.date_order) AS last_order
                      FROM sale_order sale
                      JOIN res_partner partner ON partner.id = sale.partner_id
                     WHERE sale.state = 'sale'
                       AND partner.commercial_partner_id IN (SELECT id FROM targets)
                  GROUP BY partner.commercial_partner_id, sale.company_id
                ), local_orders AS (
                    -- Days in the company's timezone, converted once per customer and
                    -- company rather than once per order: local time never goes back
                    -- a day, so the first and last days are those of the first and
                    -- last orders.
                    SELECT orders.*,
                           (orders.first_order AT TIME ZONE 'UTC' AT TIME ZONE company_tz.tz)::date
                               AS first_date,
                           (orders.last_order AT TIME ZONE 'UTC' AT TIME ZONE company_tz.tz)::date
                               AS last_date
                      FROM orders
                      JOIN company_tz ON company_tz.id = orders.company_id
                ), per_partner AS (
                    SELECT target.id AS partner_id,
                           jsonb_object_agg(orders.company_id::text, orders.purchase_count)
                               FILTER (WHERE orders.company_id IS NOT NULL) AS purchase_count,
                           jsonb_object_agg(
                               orders.company_id::text, round(orders.purchase_total, 2)
                           )
                               FILTER (WHERE orders.company_id IS NOT NULL) AS purchase_total,
                           jsonb_object_agg(
                               orders.company_id::text,
                               round(orders.purchase_total / orders.purchase_count, 2)
                           ) FILTER (WHERE orders.company_id IS NOT NULL) AS purchase_average,
                           jsonb_object_agg(orders.company_id::text, orders.first_date)
                               FILTER (WHERE orders.company_id IS NOT NULL) AS first_date,
                           jsonb_object_agg(orders.company_id::text, orders.last_date)
                               FILTER (WHERE orders.company_id IS NOT NULL) AS last_date,
                           min(orders.first_date) AS first_any
                      FROM targets AS target
                 LEFT JOIN local_orders orders ON orders.partner_id = target.id
                  GROUP BY target.id
                )
                UPDATE res_partner partner
                   SET purchase_count = per_partner.purchase_count,
                       purchase_total = per_partner.purchase_total,
                       purchase_average = per_partner.purchase_average,
                       first_purchase_date = per_partner.first_date,
                       last_purchase_date = per_partner.last_date,
                       customer_registration_date =
                           LEAST(partner.customer_registration_date, per_partner.first_any)
                  FROM per_partner
                 WHERE partner.id = per_partner.partner_id
                 %(guard)s
                 %(returning)s
                """,
                ids=self.ids,
                guard=unchanged_guard if rebuild else SQL(),
                returning=SQL() if rebuild else returning,
            )
        )
        rows = [] if rebuild else self.env.cr.fetchall()
        self.env["res.partner"].invalidate_model([*COUNTER_FIELDS, "customer_registration_date"])
        self._cache_purchase_counters(rows)

    def _cache_purchase_counters(self, rows):
        """Put the counters just written for the current company in the cache.

        ``rows`` are (partner id, count, total, average, first date, last
        date), as the update returns them; a partner with no counter in the
        company is left to be read. The tier check that follows a sale reads
        the new total without a query.
        """
        rows = [row for row in rows if row[1] is not None]
        partners = self.browse([row[0] for row in rows])
        for index, name in enumerate(COUNTER_FIELDS, start=1):
            field = self._fields[name]
            values = [field.convert_to_cache(row[index], partners) for row in rows]
            self.env.cache.update(partners, field, values)

    @api.model
    def _cron_rebuild_purchase_counters(self, batch_size=20000):
        """Rebuild the counters of the whole base, in batches that commit.

        Each batch scans the confirmed orders once, so batches are large; the
        partners of a batch are never loaded into Python.
        """
        return self._process_in_batches(
            "customer_base.counter_rebuild_last_id",
            SQL("id = commercial_partner_id"),
            lambda partners: partners._update_purchase_counters(rebuild=True),
            batch_size,
        )

    @api.model
    def _process_in_batches(self, cursor_key, where, process, batch_size):
        """Run ``process`` on the next batch of partners matching ``where``.

        The last partner id done is kept in the system parameter
        ``cursor_key``: an interrupted run resumes after it, a finished run
        starts again from the beginning. Returns how many partners remain;
        under ``ir.cron`` the progress is reported so that the cron commits
        and calls again while some remain.
        """
        params = self.env["ir.config_parameter"].sudo()
        last_id = int(params.get_param(cursor_key, 0))
        self.env.cr.execute(
            SQL(
                "SELECT id FROM res_partner WHERE id > %s AND %s ORDER BY id LIMIT %s",
                last_id,
                where,
                batch_size,
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        if ids:
            process(self.browse(ids))
            self.env.cr.execute(
                SQL("SELECT count(*) FROM res_partner WHERE id > %s AND %s", ids[-1], where)
            )
            remaining = self.env.cr.fetchone()[0]
        else:
            remaining = 0
        params.set_param(cursor_key, ids[-1] if ids and remaining else 0)
        self.env["ir.cron"]._notify_progress(done=len(ids), remaining=remaining)
        return remaining

    def action_rebuild_purchase_counters(self):
        """Manager action: rebuild the counters of the whole base in the background."""
        if not self.env.user.has_group("customer_base.group_customer_manager"):
            raise AccessError(_("Only Customer Base managers can rebuild the counters."))
        self.env["ir.config_parameter"].sudo().set_param("customer_base.counter_rebuild_last_id", 0)
        self.env.ref("customer_base.ir_cron_rebuild_purchase_counters").sudo()._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": _("The purchase counters are being rebuilt in the background."),
            },
        }

    # ------------------------------------------------------------------
    # Data quality
    # ------------------------------------------------------------------
    @api.depends("phone_sanitized", "email_normalized", "mobile")
    def _compute_duplicate_partner_ids(self):
        """Partners sharing a normalised phone or email, in one query for all."""
        keyed = self.filtered("id")
        matches = {partner.id: set() for partner in keyed}
        if keyed:
            self.flush_model(["phone", "mobile", "email", "phone_sanitized", "email_normalized"])
            self.env.cr.execute(
                """
                WITH mine AS (
                    SELECT id, commercial_partner_id, email_normalized,
                           unnest(ARRAY[phone, mobile, phone_sanitized]) AS number
                      FROM res_partner
                     WHERE id = ANY(%(ids)s)
                ), candidates AS (
                    SELECT mine.id, mine.commercial_partner_id, other.id AS other_id,
                           other.commercial_partner_id AS other_commercial_id, other.active
                      FROM mine JOIN res_partner other
                        ON other.email_normalized = mine.email_normalized
                    UNION
                    SELECT mine.id, mine.commercial_partner_id, other.id,
                           other.commercial_partner_id, other.active
                      FROM mine JOIN res_partner other ON other.phone = mine.number
                    UNION
                    SELECT mine.id, mine.commercial_partner_id, other.id,
                           other.commercial_partner_id, other.active
                      FROM mine JOIN res_partner other ON other.mobile = mine.number
                    UNION
                    SELECT mine.id, mine.commercial_partner_id, other.id,
                           other.commercial_partner_id, other.active
                      FROM mine JOIN res_partner other ON other.phone_sanitized = mine.number
                )
                SELECT id, other_id
                  FROM candidates
                 WHERE active AND other_id != id
                   AND other_commercial_id != commercial_partner_id
                """,
                {"ids": keyed.ids},
            )
            for partner_id, other_id in self.env.cr.fetchall():
                matches[partner_id].add(other_id)
        for partner in self:
            others = self.browse(sorted(matches.get(partner.id, ())))
            visible = others._filtered_access("read") if others else others
            partner.duplicate_partner_ids = visible
            partner.duplicate_count = len(visible)

    def action_view_duplicates(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Possible duplicates of %s", self.display_name),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("id", "in", (self | self.duplicate_partner_ids).ids)],
            "context": {"active_test": False},
        }

    def action_merge_duplicates(self):
        """Open Odoo's contact merge with this partner and its duplicates."""
        self.ensure_one()
        if not self.env.user.has_group("customer_base.group_customer_manager"):
            raise AccessError(_("Only Customer Base managers can merge customers."))
        partners = self | self.duplicate_partner_ids
        return {
            "type": "ir.actions.act_window",
            "res_model": "base.partner.merge.automatic.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_model": "res.partner",
                "active_ids": partners.ids,
                "default_dst_partner_id": self.id,
            },
        }

    @api.model
    def _cron_check_data_quality(self, batch_size=20000):
        """Flag customers with missing or invalid contact data, in batches."""
        return self._process_in_batches(
            "customer_base.data_quality_last_id",
            SQL("customer_registration_date IS NOT NULL"),
            lambda partners: partners._check_contact_data_quality(),
            batch_size,
        )

    def _check_contact_data_quality(self):
        """Set ``data_quality_issue`` of these partners in one statement."""
        self.flush_recordset(["phone", "mobile", "email", "phone_sanitized", "email_normalized"])
        self.env.cr.execute(
            """
            WITH checked AS (
                SELECT id, CASE
                    WHEN COALESCE(phone, '') = '' AND COALESCE(mobile, '') = ''
                         AND COALESCE(email, '') = '' THEN 'no_contact'
                    WHEN COALESCE(phone, '') != '' AND phone_sanitized IS NULL
                         THEN 'invalid_phone'
                    WHEN COALESCE(mobile, '') != '' AND mobile !~ '^\\+[1-9][0-9]{6,14}$'
                         THEN 'invalid_phone'
                    WHEN COALESCE(email, '') != '' AND email_normalized IS NULL
                         THEN 'invalid_email'
                END AS issue
                  FROM res_partner
                 WHERE id = ANY(%s) AND active
            )
            UPDATE res_partner partner
               SET data_quality_issue = checked.issue
              FROM checked
             WHERE partner.id = checked.id
               AND partner.data_quality_issue IS DISTINCT FROM checked.issue
            """,
            [self.ids],
        )
        self.invalidate_recordset(["data_quality_issue"])

    # ------------------------------------------------------------------
    # Protected export
    # ------------------------------------------------------------------
    @api.model
    def _customer_personal_field_names(self):
        """Every field of a contact but its id: exporting contacts at all needs
        the customer export right (checked and logged in ``base.export_data``)."""
        return frozenset(self._fields) - {"id"}

    @api.model
    def _check_customer_export_allowed(self):
        """The one rule for exporting customers' personal data, from any model:
        Customer Base managers with Odoo's export right."""
        user = self.env.user
        if self.env.su:
            return
        if not (
            user.has_group("customer_base.group_customer_manager")
            and user.has_group("base.group_allow_export")
        ):
            raise AccessError(_("Only Customer Base managers may export customers. Ask a manager."))

    # -- Privacy ---
    _CUSTOMER_CARD_FIELDS = (
        "name",
        "firstname",
        "middlename",
        "lastname",
        "email",
        "phone",
        "mobile",
        "street",
        "street2",
        "zip",
        "city",
        "state_id",
        "country_id",
        "website",
        "vat",
        "comment",
        "lang",
        "birth_day",
        "birth_month",
        "birth_year",
        "age",
        "gender",
        "marital_status",
        "customer_registration_date",
        "acquisition_channel",
        "source_id",
        "medium_id",
        "campaign_id",
        "consent_personal_data",
        "consent_marketing_email",
        "consent_marketing_sms",
        *COUNTER_FIELDS,
    )
    _CUSTOMER_FORGET_VALUES = {
        "firstname": False,
        "middlename": False,
        "lastname": False,
        "email": False,
        "phone": False,
        "mobile": False,
        "street": False,
        "street2": False,
        "zip": False,
        "city": False,
        "state_id": False,
        "website": False,
        "vat": False,
        "ref": False,
        "comment": False,
        "function": False,
        "company_name": False,
        "image_1920": False,
        "birth_day": False,
        "birth_month": False,
        "birth_year": False,
        "gender": False,
        "marital_status": False,
        "active": False,
    }

    def _privacy_value(self, record, fname):
        """Human-readable value of one field, for the personal data report."""
        field = record._fields[fname]
        value = record[fname]
        if field.type in ("many2one", "many2many", "one2many"):
            return ", ".join(value.mapped("display_name")) or False
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, value)
        if field.type in ("date", "datetime"):
            return value and fields.Date.to_string(value)
        return value

    def _privacy_records(self, records, fnames):
        return [
            {
                records._fields[f].get_description(self.env)["string"]: self._privacy_value(r, f)
                for f in fnames
            }
            for r in records
        ]

    def _customer_personal_data(self):
        """Everything the modules hold about this person, by section.

        Returns ``{key: {"title": str, "records": [{label: value}, ...]}}``.
        Other modules add their own sections by extending this method.
        """
        self.ensure_one()
        partner = self.sudo()
        card = [f for f in self._CUSTOMER_CARD_FIELDS if f in partner._fields]
        people = partner.with_context(active_test=False).search([("id", "child_of", partner.id)])
        consents = self.env["customer.consent"].sudo().search([("partner_id", "in", people.ids)])
        orders = self.env["sale.order"].sudo().search([("partner_id", "in", people.ids)])
        registrations = (
            self.env["customer.registration.request"]
            .sudo()
            .search([("partner_id", "in", people.ids)])
        )
        messages = (
            self.env["mail.message"]
            .sudo()
            .search([("model", "=", "res.partner"), ("res_id", "in", people.ids)])
        )
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", "res.partner"), ("res_id", "in", people.ids)])
        )
        return {
            "card": {
                "title": _("Customer card"),
                "records": self._privacy_records(partner, card),
            },
            "contacts": {
                "title": _("Related contacts"),
                "records": self._privacy_records(
                    people - partner,
                    ["name", "type", "email", "phone", "mobile", "street", "city"],
                ),
            },
            "consents": {
                "title": _("Consent history"),
                "records": self._privacy_records(
                    consents, ["date", "purpose", "state", "channel", "wording_version"]
                ),
            },
            "orders": {
                "title": _("Sales orders"),
                "records": self._privacy_records(
                    orders,
                    ["name", "date_order", "state", "amount_total", "currency_id"],
                ),
            },
            "registrations": {
                "title": _("Registration requests"),
                "records": self._privacy_records(
                    registrations, ["create_date", "name", "phone", "email", "state"]
                ),
            },
            "messages": {
                "title": _("Messages"),
                "records": [
                    {
                        self.env._("Date"): fields.Datetime.to_string(message.date),
                        self.env._("Author"): message.author_id.display_name or message.email_from,
                        self.env._("Subject"): message.subject or "",
                        self.env._("Text"): tools.html2plaintext(message.body or ""),
                    }
                    for message in messages
                ],
            },
            "attachments": {
                "title": _("Attachments"),
                "records": self._privacy_records(attachments, ["name", "mimetype", "create_date"]),
            },
        }

    def action_customer_personal_data_report(self):
        self.ensure_one()
        return self.env.ref("customer_base.action_report_customer_personal_data").report_action(
            self
        )

    def action_customer_personal_data_json(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/customer_base/personal_data/{self.id}",
            "target": "self",
        }

    def action_customer_forget(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Forget this customer"),
            "res_model": "customer.forget.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }

    def _customer_open_documents(self):
        """Descriptions of the open orders and unpaid invoices of these customers."""
        people = self.with_context(active_test=False).search([("id", "child_of", self.ids)])
        orders = (
            self.env["sale.order"]
            .sudo()
            .search([("partner_id", "in", people.ids), ("state", "in", ("draft", "sent"))])
        )
        invoices = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", people.ids),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund", "out_receipt")),
                    (
                        "payment_state",
                        "not in",
                        ("paid", "in_payment", "reversed", "invoicing_legacy"),
                    ),
                ]
            )
        )
        return orders.mapped("name") + invoices.mapped("name")

    def _customer_check_forgettable(self):
        if not self.env.su and not self.env.user.has_group("customer_base.group_customer_manager"):
            raise AccessError(_("Only Customer Base managers may forget a customer."))
        for partner in self:
            documents = partner._customer_open_documents()
            if documents:
                raise UserError(
                    _(
                        "%(customer)s cannot be forgotten while these documents are open: "
                        "%(documents)s. Close or cancel them first.",
                        customer=partner.display_name,
                        documents=", ".join(documents),
                    )
                )
            if partner.sudo().with_context(active_test=False).user_ids:
                raise UserError(
                    _(
                        "%(customer)s has a user account: remove the user before forgetting "
                        "the customer.",
                        customer=partner.display_name,
                    )
                )
            if partner in self.env["res.company"].sudo().search([]).partner_id:
                raise UserError(_("A company's own contact cannot be forgotten."))

    def _customer_forget(self, reason, origin="request"):
        """Anonymise these customers for good; irreversible.

        Orders, invoices, counters and consent events stay linked to the
        anonymised card so that figures remain true. Email blacklist entries are
        kept on purpose: they hold only the address the person asked never to
        be mailed at, and removing them would allow mailing the address again.
        Other modules extend this method to clean their own records.
        """
        if not (reason or "").strip():
            raise UserError(_("Give the reason for forgetting the customer."))
        self._customer_check_forgettable()
        self.env["customer.forget.request"].sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "partner_ref": partner.id,
                    "reason": reason,
                    "origin": origin,
                }
                for partner in self
            ]
        )
        people = self.sudo()._customer_forget_people()
        # Before erasing the chatter: changed accounts are logged on the partner.
        people._customer_anonymise_bank_accounts()
        people._customer_erase_traces()
        for person in people:
            values = dict(self._CUSTOMER_FORGET_VALUES)
            values["name"] = _("Anonymised customer #%(id)s", id=person.id)
            # No tracking: it would keep the old values in the chatter.
            person.with_context(customer_base_skip_prepare=True, tracking_disable=True).write(
                values
            )
        people._customer_anonymise_tracking()
        self.env["customer.registration.request"].sudo().search(
            [("partner_id", "in", people.ids)]
        ).write(
            {
                "name": _("Anonymised"),
                "phone": False,
                "email": False,
                "ip": False,
                "birth_day": False,
                "birth_month": False,
                "birth_year": False,
            }
        )
        self.env["customer.webhook.delivery"]._customer_erase_payloads(people)
        self.env["customer.webhook.delivery"]._enqueue(
            "customer.forgotten",
            [{"model": "res.partner", "id": partner.id} for partner in self],
        )
        return True

    def _customer_forget_people(self):
        """These customers, their contacts and the addresses used only on their
        orders (a shipping or invoice address that is not their child contact)."""
        people = self.with_context(active_test=False).search([("id", "child_of", self.ids)])
        orders = self.env["sale.order"].search([("partner_id", "in", people.ids)])
        addresses = (orders.partner_invoice_id | orders.partner_shipping_id) - people
        if addresses:
            shared = self.env["sale.order"].search(
                [
                    ("partner_id", "not in", people.ids),
                    "|",
                    "|",
                    ("partner_id", "in", addresses.ids),
                    ("partner_invoice_id", "in", addresses.ids),
                    ("partner_shipping_id", "in", addresses.ids),
                ]
            )
            used_elsewhere = (
                shared.partner_id | shared.partner_invoice_id | shared.partner_shipping_id
            )
            companies = self.env["res.company"].search([]).partner_id
            addresses = (addresses - used_elsewhere - companies).filtered(
                lambda address: not address.with_context(active_test=False).user_ids
            )
            people |= self.with_context(active_test=False).search(
                [("id", "child_of", addresses.ids)]
            )
        return people

    def _customer_erase_traces(self):
        """Delete the chatter, followers and attachments of these partners, and
        the chatter, tracking values and attachments of their orders."""
        orders = self.env["sale.order"].sudo().search([("partner_id", "in", self.ids)])
        messages = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    "|",
                    "|",
                    "|",
                    "&",
                    ("model", "=", "res.partner"),
                    ("res_id", "in", self.ids),
                    "&",
                    ("model", "=", "sale.order"),
                    ("res_id", "in", orders.ids),
                    ("author_id", "in", self.ids),
                    ("partner_ids", "in", self.ids),
                ]
            )
        )
        messages.unlink()
        self.env["ir.attachment"].sudo().search(
            [
                "|",
                "&",
                ("res_model", "=", "res.partner"),
                ("res_id", "in", self.ids),
                "&",
                ("res_model", "=", "sale.order"),
                ("res_id", "in", orders.ids),
            ]
        ).unlink()
        self.env["mail.followers"].sudo().search([("partner_id", "in", self.ids)]).unlink()

    def _customer_anonymise_tracking(self):
        """Tracked changes of other records name these partners: show the
        anonymised name instead (run after renaming them)."""
        for column in ("old", "new"):
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE mail_tracking_value tracking
                       SET %(char)s = partner.name
                      FROM ir_model_fields field, res_partner partner
                     WHERE tracking.field_id = field.id
                       AND field.relation = 'res.partner'
                       AND tracking.%(integer)s = partner.id
                       AND partner.id = ANY(%(ids)s)
                    """,
                    char=SQL.identifier(f"{column}_value_char"),
                    integer=SQL.identifier(f"{column}_value_integer"),
                    ids=self.ids,
                )
            )
        self.env["mail.tracking.value"].invalidate_model()

    def _customer_anonymise_bank_accounts(self):
        """Bank accounts may be referenced by payments: keep the rows, erase
        the number and the holder."""
        for account in (
            self.env["res.partner.bank"]
            .sudo()
            .with_context(active_test=False, tracking_disable=True)
            .search([("partner_id", "in", self.ids)])
        ):
            account.write(
                {
                    "acc_number": _("Anonymised account #%(id)s", id=account.id),
                    "acc_holder_name": False,
                    "active": False,
                }
            )

    @api.model
    def _customer_retention_months(self):
        param = (
            self.env["ir.config_parameter"].sudo().get_param("customer_base.retention_months", "36")
        )
        try:
            return int(param)
        except ValueError:
            return 0

    @api.model
    def _customer_retention_domain(self):
        """Customers proposed for anonymisation: no purchase, no open document
        and no marketing consent within the retention period."""
        months = self._customer_retention_months()
        if months <= 0:
            return [("id", "=", 0)]
        cutoff = fields.Datetime.subtract(fields.Datetime.now(), months=months)
        company_partners = self.env["res.company"].sudo().search([]).partner_id
        return [
            ("parent_id", "=", False),
            ("user_ids", "=", False),
            ("id", "not in", company_partners.ids),
            ("create_date", "<", cutoff),
            ("consent_marketing_email", "=", False),
            ("consent_marketing_sms", "=", False),
            "|",
            ("last_purchase_date", "=", False),
            ("last_purchase_date", "<", cutoff.date()),
            "!",
            ("sale_order_ids", "any", [("state", "in", ("draft", "sent"))]),
            "!",
            (
                "invoice_ids",
                "any",
                [
                    ("state", "=", "posted"),
                    ("payment_state", "not in", ("paid", "in_payment", "reversed")),
                ],
            ),
        ]

    @api.depends_context(
        "show_address",
        "partner_show_db_id",
        "address_inline",
        "show_email",
        "show_vat",
        "lang",
        "uid",
    )
    def _compute_display_name(self):
        """Users outside Customer Base see customers' emails masked in the
        pickers of other apps that add the email to the name."""
        super()._compute_display_name()
        if not self.env.context.get("show_email") or self._customer_sees_personal_data():
            return
        for partner in self:
            if partner.email and partner.display_name:
                partner.display_name = partner.display_name.replace(
                    partner.email, self._mask_customer_email(partner.email)
                )

    @api.model
    def _customer_sees_personal_data(self):
        return self.env.su or self.env.user.has_group("customer_base.group_customer_user")

    @api.model
    def _mask_customer_email(self, email):
        """'olena.k@example.com' -> 'o*****@example.com'."""
        local, _sep, domain = (email or "").partition("@")
        if not domain:
            return "*" * len(local)
        return f"{local[:1]}{'*' * max(len(local) - 1, 3)}@{domain}"
