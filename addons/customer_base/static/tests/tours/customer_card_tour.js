/** @odoo-module **/
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("customer_base_card_tour", {
    steps: () => [
        {
            content: "Create a customer from the Customers list",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Type the last name",
            trigger: ".o_field_widget[name=lastname] input",
            run: "edit коваленко",
        },
        {
            content: "Type the first name",
            trigger: ".o_field_widget[name=firstname] input",
            run: "edit олена",
        },
        {
            content: "Type a local phone number",
            trigger: ".o_field_widget[name=phone] input",
            run: "edit 050 123 45 67",
        },
        {
            content: "Open the Customer tab",
            trigger: ".o_notebook_headers a:contains(Customer)",
            run: "click",
        },
        {
            content: "Day of birth",
            trigger: ".o_field_widget[name=birth_day] input",
            run: "edit 14",
        },
        {
            content: "Month of birth",
            trigger: ".o_field_widget[name=birth_month] select",
            run: 'select "3"',
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The form is saved: the breadcrumb shows the composed name",
            trigger: ".o_breadcrumb .active:contains(Коваленко Олена)",
        },
        {
            content: "Back to the Customers list",
            trigger: ".o_breadcrumb a:contains(Customers)",
            run: "click",
        },
        {
            content: "The new customer is listed with the normalised phone",
            trigger: ".o_data_row:contains(Коваленко Олена):contains(+380501234567)",
        },
    ],
});
