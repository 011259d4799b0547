"""Who may see what: roles from the access list, signed screen links, the access log.

Pure (no Streamlit): ``roles`` resolves an account's role and says what each role may
do, ``links`` signs and checks wall-screen links, ``registry`` keeps the issued and
revoked links, ``log`` appends the access log and ``listen`` decides whether the
dashboard may listen on an address. ``nps_core.ui.access`` applies them to a session.
"""
