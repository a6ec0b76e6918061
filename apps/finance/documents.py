"""What the finance PDFs (receipts, statements of account) are headed with: the school's name, motto,
address, logo (or initials) and colours from its profile, as on report cards, and the fonts they use."""


def letterhead() -> dict:
    from apps.results.report_cards import FONTS_DIR, _colour_shades, _logo_data_uri, initials, school_profile

    profile = school_profile()
    return {"profile": profile, "logo": _logo_data_uri(profile), "initials": initials(profile.name),
            "colours": _colour_shades(profile.primary_colour), "fonts": FONTS_DIR.as_uri()}
