# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.translate import _


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    customer_mailing_cap = fields.Integer(
        "Marketing mailings per 7 days",
        config_parameter="customer_segments.mailing_cap",
        default=1,
        help="No contact receives more marketing mailings than this in 7 days (0: no cap).",
    )
    customer_rfm_window_days = fields.Integer(
        "RFM window (days)", config_parameter="customer_segments.rfm_window_days", default=365
    )
    customer_at_risk_days = fields.Integer(
        "At risk after (days)", config_parameter="customer_segments.at_risk_days", default=180
    )
    customer_lost_days = fields.Integer(
        "Lost after (days)", config_parameter="customer_segments.lost_days", default=365
    )
    customer_loyal_min_orders = fields.Integer(
        "Loyal from (orders)", config_parameter="customer_segments.loyal_min_orders", default=5
    )
    customer_ltv_lifespan_years = fields.Float(
        "Expected lifespan (years)",
        config_parameter="customer_segments.ltv_lifespan_years",
        default=3.0,
    )

    @api.constrains(
        "customer_mailing_cap",
        "customer_rfm_window_days",
        "customer_at_risk_days",
        "customer_lost_days",
        "customer_loyal_min_orders",
    )
    def _check_segment_settings(self):
        for settings in self:
            if settings.customer_mailing_cap < 0:
                raise ValidationError(_("The mailing cap cannot be negative."))
            if (
                min(
                    settings.customer_rfm_window_days,
                    settings.customer_at_risk_days,
                    settings.customer_lost_days,
                    settings.customer_loyal_min_orders,
                )
                < 1
            ):
                raise ValidationError(_("Segment periods and thresholds must be positive."))
            if settings.customer_at_risk_days >= settings.customer_lost_days:
                raise ValidationError(_("A customer must be at risk before being lost."))
