"""django_xworkflows' ready log app, label ``xworkflow_log``: its existing table is used as is."""
