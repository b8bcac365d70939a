from heretostay_wagtail.pledges import services as pledging


def pledge_data(**kwargs):
    data = {
        "name": "Ana Flores",
        "email": "ana@example.org",
        "phone": "+13125550101",
        "area": "60608",
        "roles": [],
        "languages": ["es", "en"],
        "availability": ["weekends"],
        "alert_sms": True,
        "alert_email": True,
    }
    data.update(kwargs)
    return data


def make_pledge(page, language="en", **kwargs):
    return pledging.pledge(page, pledge_data(**kwargs), language=language).record
