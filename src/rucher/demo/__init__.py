"""The demo organisation (Groupe Hélios) and the ``rucher demo`` command."""
