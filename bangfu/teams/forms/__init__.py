"""The teams app's page forms, one module per part of the work; they take their hints from
the models' value rules (``core.forms.RuledForm``) and hold no rule of their own."""
