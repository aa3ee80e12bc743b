"""The privacy statement names who is responsible, the legal basis, and the right to complain."""


def test_the_privacy_statement_names_controller_basis_and_the_right_to_complain(app_factory):
    default = app_factory().test_client().get("/privacy").get_data(as_text=True)
    for setting in ("PRIVACY_CONTROLLER_NAME", "PRIVACY_CONTROLLER_ADDRESS", "PRIVACY_CONTACT_EMAIL"):
        assert f"[Nog in te vullen: {setting}]" in default  # clearly marked, never an invented organisation
    assert "Autoriteit Persoonsgegevens" in default and "artikel 6, lid 1, onder b" in default

    configured = app_factory(PRIVACY_CONTROLLER_NAME="Stichting Voorbeeld",
                             PRIVACY_CONTROLLER_ADDRESS="Laan 1, Utrecht",
                             PRIVACY_CONTACT_EMAIL="privacy@voorbeeld.example")
    page = configured.test_client().get("/privacy").get_data(as_text=True)
    assert "Stichting Voorbeeld" in page and "Laan 1, Utrecht" in page
    assert 'href="mailto:privacy@voorbeeld.example"' in page and "Nog in te vullen" not in page
