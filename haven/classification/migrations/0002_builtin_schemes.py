"""Seed the built-in classification schemes, offered to every organisation.

The data is written out here, not imported from the app, so that this migration keeps
seeding what it seeded when it was written. Running it again updates names and
descriptions in place and never removes a label that reports may use.
"""

from django.db import migrations

ITEM, REPORT, BOTH = "item", "report", "both"

# key, name, description, applies_to, labels: (key, name, description, actionable)
BUILTIN_SCHEMES = [
    (
        "interpol",
        "INTERPOL baseline",
        "The international triage used by INHOPE hotlines and INTERPOL: whether the "
        "material meets the baseline that every country treats as illegal, is illegal "
        "only under national law, or is not illegal.",
        BOTH,
        [
            (
                "baseline",
                "Baseline (illegal everywhere)",
                "A real child who appears to be under 13, shown taking part in or "
                "witnessing sexual activity, or an image whose focus is the child's "
                "sexual parts. Treated as illegal in every country.",
                True,
            ),
            (
                "national",
                "Nationally illegal",
                "Below the baseline but illegal under the law that applies here, for "
                "example material showing older children. Note which law in the report.",
                True,
            ),
            (
                "not_illegal",
                "Not illegal",
                "Neither baseline nor illegal under national law. No notice or referral "
                "follows from this label.",
                False,
            ),
        ],
    ),
    (
        "uk",
        "UK categories",
        "The three categories used in England and Wales (and by the IWF) for indecent "
        "images of children, from the most to the least serious.",
        BOTH,
        [
            (
                "a",
                "Category A",
                "The most serious: images showing penetrative sexual activity, sexual "
                "activity involving an animal, or sadism.",
                True,
            ),
            (
                "b",
                "Category B",
                "Images showing sexual activity that is not penetrative.",
                True,
            ),
            (
                "c",
                "Category C",
                "Other indecent images of children that are not in category A or B, "
                "such as sexualised posing.",
                True,
            ),
        ],
    ),
    (
        "ncmec",
        "NCMEC industry classification",
        "The classes online services use when reporting to NCMEC. The letter is the "
        "child's apparent development (A prepubescent, B pubescent); the number is what "
        "is shown (1 a sex act, 2 a lascivious exhibition).",
        ITEM,
        [
            (
                "a1",
                "A1: prepubescent, sex act",
                "A prepubescent child involved in a sex act, including sexual contact.",
                True,
            ),
            (
                "a2",
                "A2: prepubescent, lascivious exhibition",
                "A prepubescent child, with the image exhibiting the child's sexual "
                "parts in a sexualised way.",
                True,
            ),
            (
                "b1",
                "B1: pubescent, sex act",
                "A pubescent child involved in a sex act, including sexual contact.",
                True,
            ),
            (
                "b2",
                "B2: pubescent, lascivious exhibition",
                "A pubescent child, with the image exhibiting the child's sexual parts "
                "in a sexualised way.",
                True,
            ),
        ],
    ),
    (
        "age",
        "Apparent age",
        "The apparent age of the youngest child shown, as an analyst judges it.",
        BOTH,
        [
            ("0-2", "0 to 2", "A baby or toddler.", False),
            ("3-6", "3 to 6", "", False),
            ("7-10", "7 to 10", "", False),
            ("11-13", "11 to 13", "", False),
            ("14-15", "14 to 15", "", False),
            ("16-17", "16 to 17", "", False),
            ("unclear", "Unclear", "The age cannot be judged with confidence.", False),
        ],
    ),
    (
        "content",
        "Content type",
        "What the item is: a file, a text, a single address, or a whole website.",
        ITEM,
        [
            ("image", "Image", "", False),
            ("video", "Video", "", False),
            ("text", "Text", "Written material, such as a story or a chat.", False),
            ("url", "Single address", "One page or file at one address.", False),
            ("website", "Whole website", "A site or service dedicated to the material.", False),
        ],
    ),
]


def seed(apps, schema_editor):
    Scheme = apps.get_model("classification", "Scheme")
    Label = apps.get_model("classification", "Label")
    for key, name, description, applies_to, labels in BUILTIN_SCHEMES:
        scheme, _ = Scheme.objects.update_or_create(
            organisation=None,
            key=key,
            defaults={"name": name, "description": description, "applies_to": applies_to},
        )
        for order, (label_key, label_name, label_description, actionable) in enumerate(labels):
            Label.objects.update_or_create(
                scheme=scheme,
                key=label_key,
                defaults={
                    "name": label_name,
                    "description": label_description,
                    "actionable": actionable,
                    "order": order,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("classification", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
