/** @odoo-module **/
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("customer_loyalty_apply_points", {
    steps: () => [
        {
            content: "Open the rewards of the quotation",
            trigger: "button[name='action_open_reward_wizard']",
            run: "click",
        },
        {
            content: "The bonus points pay part of the quotation, already saved",
            trigger:
                ".o_form_saved .o_field_one2many[name='order_line'] .o_data_row:contains('Pay with bonus points')",
        },
    ],
});
