"""Sample know-your-rights guide and defense cards, in the project's own words.

Loaded by the demo (example_site) and used by tests: a defense card whose holder side
is written in eight languages and six scripts, the body of a know-your-rights guide,
and the guide's Spanish translation.

All card text is written for this project in our own words. The non-English sample
cards show that every script renders; have them reviewed by native speakers and a
lawyer before handing them out.
"""

from wagtail.models import Locale

from heretostay_wagtail.core.localize import translate
from heretostay_wagtail.guides.models import DefenseCard

HOLDER_EN = (
    "I have the right to stay silent. I can say: I choose to remain silent.\n"
    "I do not have to open the door. Ask for a warrant signed by a judge.\n"
    "I do not agree to any search of me, my home or my car.\n"
    "I will not sign anything until I talk to a lawyer."
)

#: Holder side in each sample language: (heading, rights text, hotline label).
SAMPLE_CARDS = {
    "en": ("Know your rights", HOLDER_EN, "Hotline"),
    "es": (
        "Conoce tus derechos",
        "Tengo derecho a guardar silencio. Puedo decir: Elijo quedarme callado.\n"
        "No tengo que abrir la puerta. Pida una orden firmada por un juez.\n"
        "No acepto ningún registro de mi persona, mi casa ni mi carro.\n"
        "No firmaré nada hasta hablar con un abogado.",
        "Línea de ayuda",
    ),
    "ar": (
        "اعرف حقوقك",
        "لي الحق في التزام الصمت. أستطيع أن أقول: أختار أن أبقى صامتًا.\n"
        "لست مضطرًا إلى فتح الباب. اطلب أمرًا موقّعًا من قاضٍ.\n"
        "لا أوافق على تفتيشي أو تفتيش بيتي أو سيارتي.\n"
        "لن أوقّع على أي شيء قبل أن أتحدث مع محامٍ.",
        "خط المساعدة",
    ),
    "fa": (
        "حقوق خود را بدانید",
        "من حق دارم سکوت کنم. می‌توانم بگویم: سکوت را انتخاب می‌کنم.\n"
        "لازم نیست در را باز کنم. حکمی را بخواهید که قاضی امضا کرده باشد.\n"
        "با بازرسی خودم، خانه‌ام یا ماشینم موافق نیستم.\n"
        "تا با وکیل صحبت نکنم چیزی را امضا نمی‌کنم.",
        "خط کمک",
    ),
    "zh-hans": (
        "了解你的权利",
        "我有权保持沉默。我可以说：我选择保持沉默。\n"
        "我不必开门。请出示由法官签署的搜查令。\n"
        "我不同意搜查我本人、我的住所或我的汽车。\n"
        "在与律师交谈之前，我不会签署任何文件。",
        "求助热线",
    ),
    "ko": (
        "당신의 권리를 아세요",
        "나는 침묵할 권리가 있습니다. 이렇게 말할 수 있습니다: 침묵하겠습니다.\n"
        "나는 문을 열지 않아도 됩니다. 판사가 서명한 영장을 요구하세요.\n"
        "나는 나 자신, 집, 차량에 대한 수색에 동의하지 않습니다.\n"
        "변호사와 이야기하기 전에는 아무것도 서명하지 않겠습니다.",
        "상담 전화",
    ),
    "pa": (
        "ਆਪਣੇ ਹੱਕ ਜਾਣੋ",
        "ਮੈਨੂੰ ਚੁੱਪ ਰਹਿਣ ਦਾ ਹੱਕ ਹੈ। ਮੈਂ ਕਹਿ ਸਕਦਾ ਹਾਂ: ਮੈਂ ਚੁੱਪ ਰਹਿਣਾ ਚੁਣਦਾ ਹਾਂ।\n"
        "ਮੈਨੂੰ ਦਰਵਾਜ਼ਾ ਖੋਲ੍ਹਣ ਦੀ ਲੋੜ ਨਹੀਂ। ਜੱਜ ਦੇ ਦਸਤਖ਼ਤ ਵਾਲਾ ਵਾਰੰਟ ਮੰਗੋ।\n"
        "ਮੈਂ ਆਪਣੀ, ਆਪਣੇ ਘਰ ਜਾਂ ਕਾਰ ਦੀ ਤਲਾਸ਼ੀ ਲਈ ਸਹਿਮਤ ਨਹੀਂ ਹਾਂ।\n"
        "ਵਕੀਲ ਨਾਲ ਗੱਲ ਕੀਤੇ ਬਿਨਾਂ ਮੈਂ ਕਿਸੇ ਚੀਜ਼ ਉੱਤੇ ਦਸਤਖ਼ਤ ਨਹੀਂ ਕਰਾਂਗਾ।",
        "ਹੈਲਪਲਾਈਨ",
    ),
    "ti": (
        "መሰላትካ ፍለጥ",
        "ስቕ ናይ ምባል መሰል ኣለኒ። ክብል እኽእል እየ፦ ስቕ ክብል እመርጽ።\n"
        "ማዕጾ ክኸፍት ኣይግደድን። ብዳኛ ዝተፈረመ ትእዛዝ ሕተት።\n"
        "ኣነ፡ ገዛይ ወይ መኪናይ ክፍተሽ ኣይሰማማዕን።\n"
        "ምስ ጠበቓ ከይተዘራረብኩ ዝኾነ ነገር ኣይፍርምን።",
        "መስመር ሓገዝ",
    ),
}

GUIDE_ES = {
    # The warrant explainer block's default text (kept by the demo guide).
    (
        "Issued by a court and <b>signed by a judge</b>. It names the court, the address "
        "to be searched or the person to be arrested. Only a judicial warrant lets agents "
        "enter a home without consent."
    ): (
        "La emite un tribunal y la <b>firma un juez</b>. Indica el tribunal, la dirección "
        "que se va a registrar o la persona que se va a arrestar. Solo una orden judicial "
        "permite a los agentes entrar a una casa sin tu consentimiento."
    ),
    (
        "An immigration form (such as I-200 or I-205) <b>signed by an immigration "
        "officer</b>, not a judge. According to rights groups it does not by itself allow "
        "agents to enter a home: you do not have to open the door."
    ): (
        "Un formulario de inmigración (como el I-200 o el I-205) <b>firmado por un agente "
        "de inmigración</b>, no por un juez. Según las organizaciones de derechos, por sí "
        "solo no permite a los agentes entrar a una casa: no tienes que abrir la puerta."
    ),
    "Know your rights: if immigration agents come": "Conoce tus derechos: si vienen agentes de inmigración",
    "What to say": "Qué decir",
    "I am exercising my right to remain silent.": "Estoy ejerciendo mi derecho a guardar silencio.",
    "I do not consent to a search.": "No doy mi consentimiento para un registro.",
    "Am I free to leave?": "¿Puedo irme?",
    "I want to speak to a lawyer.": "Quiero hablar con un abogado.",
    "Keep the door closed.": "Mantén la puerta cerrada.",
    "Don't open the door.": "No abras la puerta.",
    "Don't lie or show false documents.": "No mientas ni muestres documentos falsos.",
    "Don't run.": "No corras.",
    "Stay calm and keep your hands visible.": "Mantén la calma y las manos a la vista.",
    "Don't sign anything without a lawyer.": "No firmes nada sin un abogado.",
    "Rapid response hotline": "Línea de respuesta rápida",
    "24 hours a day": "Las 24 horas",
    "English, Spanish": "Inglés, español",
    "Family preparedness plan": "Plan de preparación familiar",
    "Memorize two emergency phone numbers.": "Memoriza dos números de emergencia.",
    "Decide who will pick up the children.": "Decide quién recogerá a los niños.",
    "Leave copies of important documents with a trusted person.": "Deja copias de documentos importantes con una persona de confianza.",
    "This week": "Esta semana",
    "Save and share the card": "Guarda y comparte la tarjeta",
    "Download your card": "Descarga tu tarjeta",
    "Judicial or administrative warrant?": "¿Orden judicial u orden administrativa?",
    "Judicial warrant": "Orden judicial",
    "Administrative warrant": "Orden administrativa",
    "Ask the agent to slide the warrant under the door or hold it to a window.": "Pide al agente que pase la orden por debajo de la puerta o la muestre por la ventana.",
    "Call an official": "Llama a un funcionario",
    "Donate": "Dona",
    "Support the bond fund": "Apoya el fondo de fianzas",
    "Bond payments keep families together while cases go on.": "Las fianzas mantienen unidas a las familias mientras siguen los casos.",
    "Sign the sanctuary city petition": "Firma la petición por una ciudad santuario",
}


def card_strings(language):
    """The sample card's translation into ``language``, as strings for ``translate``."""
    heading, text, label = SAMPLE_CARDS[language]
    en_heading, en_text, en_label = SAMPLE_CARDS["en"]
    # wagtail-localize extracts a multi-line text field as one segment, lines joined by <br/>.
    return {
        en_heading: heading,
        en_text.replace("\n", "<br/>"): text.replace("\n", "<br/>"),
        en_label: label,
        "Know your rights card": {"es": "Tarjeta de derechos"}.get(
            language, "Know your rights card"
        ),
    }


def load_cards(locale_en, languages=None):
    """The sample card in English, translated into ``languages`` (default: all samples)."""
    card = DefenseCard.objects.filter(locale=locale_en, title="Know your rights card").first()
    if card is None:
        heading, text, label = SAMPLE_CARDS["en"]
        card = DefenseCard.objects.create(
            locale=locale_en,
            title="Know your rights card",
            organization_name="Springfield Immigrant Rights Network",
            holder_heading=heading,
            holder_text=text,
            hotline="+1 202 555 0143",
            hotline_label=label,
        )
    for language in languages or SAMPLE_CARDS:
        if language == "en":
            continue
        locale, _ = Locale.objects.get_or_create(language_code=language)
        if not card.has_translation(locale):
            translate(card, locale, card_strings(language))
    return card


def guide_body(card, petition):
    """A guide body (StreamField data) offering ``card``, and ``petition`` if not None."""
    body = [
        (
            "scenario",
            {
                "scenario": "home",
                "heading": "",
                "intro": "",
                "content": [
                    (
                        "say_this",
                        {
                            "heading": "What to say",
                            "lines": [
                                "I am exercising my right to remain silent.",
                                "I do not consent to a search.",
                                "I want to speak to a lawyer.",
                            ],
                        },
                    ),
                    (
                        "do_dont",
                        {
                            "heading": "",
                            "do": [
                                "Keep the door closed.",
                                "Stay calm and keep your hands visible.",
                            ],
                            "dont": [
                                "Don't open the door.",
                                "Don't lie or show false documents.",
                                "Don't sign anything without a lawyer.",
                            ],
                        },
                    ),
                    ("warrant", {}),
                ],
            },
        ),
        (
            "scenario",
            {
                "scenario": "public",
                "heading": "",
                "intro": "",
                "content": [
                    (
                        "say_this",
                        {
                            "heading": "What to say",
                            "lines": [
                                "Am I free to leave?",
                                "I am exercising my right to remain silent.",
                            ],
                        },
                    ),
                    ("do_dont", {"heading": "", "do": [], "dont": ["Don't run."]}),
                ],
            },
        ),
        (
            "hotline",
            {
                "name": "Rapid response hotline",
                "phone": "+12025550143",
                "hours": "24 hours a day",
                "languages": "English, Spanish",
                "note": "",
            },
        ),
        (
            "checklist",
            {
                "heading": "Family preparedness plan",
                "intro": "",
                "items": [
                    "Memorize two emergency phone numbers.",
                    "Decide who will pick up the children.",
                    "Leave copies of important documents with a trusted person.",
                ],
            },
        ),
        ("defense_card", {"card": card, "heading": "Download your card", "text": ""}),
        (
            "action_steps",
            {
                "heading": "This week",
                "steps": [
                    {
                        "title": "Save and share the card",
                        "text": "",
                        "link_url": "",
                        "link_text": "",
                    },
                    {"title": "Call an official", "text": "", "link_url": "", "link_text": ""},
                ],
            },
        ),
        (
            "donate",
            {
                "heading": "Support the bond fund",
                "text": "Bond payments keep families together while cases go on.",
                "button_text": "Donate",
                "url": "https://example.org/donate",
            },
        ),
    ]
    if petition is not None:
        body.append(
            (
                "campaign_action",
                {"page": petition, "heading": "Sign the sanctuary city petition", "text": ""},
            )
        )
    return body
