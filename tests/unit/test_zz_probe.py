import datetime as dt
from actions.render import render_answer
from core.catalogue import get_service
from core.db import session_scope
from core.provinces import provinces

def test_probe(catalogue_db):
    on = dt.date(2026, 12, 3)
    with session_scope() as s:
        for slug, aspect, place, lang in [("passport","reduction","Hà Giang","vi"),("passport","fee",None,"vi"),("passport","fee",None,"en"),("driving_licence_exchange","time",None,"vi"),("passport","documents",None,"vi"),("passport","overview",None,"vi"),("birth_registration","overview",None,"vi"),("marriage_registration","fee","Hà Nội","vi"),("death_registration","fee",None,"vi"),("temporary_residence","fee","Hà Giang","vi"),("criminal_record_certificate","fee",None,"vi")]:
            a = render_answer(s, get_service(s, slug), aspect, lang, on, provinces().resolve(place))
            print(f"\n--- {slug} {aspect} {place} {lang} ({len(a.text)} chars, answered={a.answered})\n{a.text}\n{[b['title'] for b in a.buttons]}")
