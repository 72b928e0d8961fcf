# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import http
from odoo.http import request


class CustomerConsentController(http.Controller):
    """Double opt-in: the link emailed to the address of a pending consent.

    Opening the link shows a button; only pressing it (a POST with CSRF
    token) records the confirmation, so that mail scanners which open links
    confirm nothing. A wrong signature and an unknown request answer alike.
    """

    @http.route(
        "/customer/consent/confirm/<int:consent_id>/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def consent_confirmation_page(self, consent_id, token, **_kwargs):
        consent, problem = self._pending_consent(consent_id, token)
        if problem:
            return self._render_problem(problem)
        return self._render("customer_base.customer_consent_confirm_page", consent)

    @http.route(
        "/customer/consent/confirm/<int:consent_id>/<string:token>",
        type="http",
        auth="public",
        methods=["POST"],
        sitemap=False,
    )
    def consent_confirm(self, consent_id, token, **_kwargs):
        consent, problem = self._pending_consent(consent_id, token)
        if problem:
            return self._render_problem(problem)
        consent._confirm_double_optin()
        return self._render("customer_base.customer_consent_confirmed_page", consent)

    def _pending_consent(self, consent_id, token):
        """The pending consent the link is for, or the reason to refuse it."""
        consent = request.env["customer.consent"].sudo().browse(consent_id).exists()
        if not consent or not consent._check_double_optin_token(token):
            return consent.browse(), (404, request.env._("This confirmation link is not valid."))
        problem = consent._double_optin_problem()
        if problem:
            return consent, (410, problem)
        return consent, None

    def _render_problem(self, problem):
        status, message = problem
        return request.render(
            "customer_base.customer_consent_invalid_page",
            {"company": request.env.company.sudo(), "message": message},
            status=status,
        )

    def _render(self, template, consent):
        company = (consent.company_id or request.env.company).sudo()
        return request.render(template, {"company": company, "consent": consent})
