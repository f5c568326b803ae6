"""The built-in notice templates: first notice, reminder and escalation, in English,
French, Spanish, German and Dutch. Organisations override them in their own templates.

The texts are frozen here as they were written; later improvements come in new
migrations, so that an installation's history says what every notice said.
"""

from django.db import migrations

FACTS = {
    "en": (
        "Address: {{ url }}\n"
        "Reported to us: {{ reported_at }}\n"
        "Last seen online: {{ checked_at }}\n"
        "Classification: {{ classification|default:\"not given\" }}\n"
        "{% if hashes %}Hashes of what we found:\n{% for hash in hashes %}  {{ hash }}\n{% endfor %}{% endif %}"
    ),
    "fr": (
        "Adresse : {{ url }}\n"
        "Signalée le : {{ reported_at }}\n"
        "Vue en ligne pour la dernière fois : {{ checked_at }}\n"
        "Classification : {{ classification|default:\"non précisée\" }}\n"
        "{% if hashes %}Empreintes (hashes) de ce que nous avons trouvé :\n{% for hash in hashes %}  {{ hash }}\n{% endfor %}{% endif %}"
    ),
    "es": (
        "Dirección: {{ url }}\n"
        "Denunciada el: {{ reported_at }}\n"
        "Vista en línea por última vez: {{ checked_at }}\n"
        "Clasificación: {{ classification|default:\"no indicada\" }}\n"
        "{% if hashes %}Huellas (hashes) de lo que encontramos:\n{% for hash in hashes %}  {{ hash }}\n{% endfor %}{% endif %}"
    ),
    "de": (
        "Adresse: {{ url }}\n"
        "Gemeldet am: {{ reported_at }}\n"
        "Zuletzt online gesehen: {{ checked_at }}\n"
        "Einstufung: {{ classification|default:\"nicht angegeben\" }}\n"
        "{% if hashes %}Hashwerte des gefundenen Materials:\n{% for hash in hashes %}  {{ hash }}\n{% endfor %}{% endif %}"
    ),
    "nl": (
        "Adres: {{ url }}\n"
        "Bij ons gemeld op: {{ reported_at }}\n"
        "Laatst online gezien: {{ checked_at }}\n"
        "Classificatie: {{ classification|default:\"niet opgegeven\" }}\n"
        "{% if hashes %}Hashes van wat wij vonden:\n{% for hash in hashes %}  {{ hash }}\n{% endfor %}{% endif %}"
    ),
}

TEXTS = {
    ("first", "en"): (
        "Request to remove child sexual abuse material ({{ reference }})",
        "Dear abuse team{% if host_name %} of {{ host_name }}{% endif %},\n\n"
        "{% if reappeared %}Content that was removed after an earlier notice from us is online again.\n\n{% endif %}"
        "{{ organisation }} is a hotline that receives reports of child sexual abuse material. "
        "We have assessed the following address, which our records show is hosted on your "
        "network or service:\n\n"
        "{FACTS}\n"
        "This material is illegal under the law of the hosting country and under the "
        "international standards that protect children. We ask you to:\n\n"
        "1. remove it, or disable access to it, without delay;\n"
        "2. keep a copy and the related records (account, upload logs, IP addresses) for the "
        "police, as far as your legal obligations allow;\n"
        "3. not send the content itself to anyone, us included.\n\n"
        "No material is attached to this notice.\n\n"
        "Please tell us what you have done, or why you cannot act, at this link (no account "
        "needed):\n{{ reply_url }}\n\n"
        "We will check the address again and remind you while the content is still online.\n\n"
        "Reference: {{ reference }}\n{{ organisation }}",
    ),
    ("reminder", "en"): (
        "Reminder {{ reminder_number }}: child sexual abuse material still online ({{ reference }})",
        "Dear abuse team{% if host_name %} of {{ host_name }}{% endif %},\n\n"
        "On {{ first_notice_at }} we asked you to remove child sexual abuse material from the "
        "address below. We checked it again at {{ checked_at }} and it is still online.\n\n"
        "{FACTS}\n"
        "We ask you again to remove it, or disable access to it, without delay, and to keep a "
        "copy and the related records for the police, as far as your legal obligations allow. "
        "No material is attached to this notice.\n\n"
        "If you have already acted, or cannot act, please tell us at this link (no account "
        "needed):\n{{ reply_url }}\n\n"
        "Reference: {{ reference }}\n{{ organisation }}",
    ),
    ("escalation", "en"): (
        "Escalation: child sexual abuse material still online ({{ reference }})",
        "Dear colleagues,\n\n"
        "{{ organisation }} is a hotline that receives reports of child sexual abuse material. "
        "We are writing to you because the host of the address below"
        "{% if host_name %} ({{ host_name }}){% endif %} has not removed it. We notified it on "
        "{{ first_notice_at }} and sent {{ notices_sent }} notices; the content was still "
        "online when we checked it at {{ checked_at }}.\n\n"
        "{FACTS}\n"
        "This material is illegal under the law of the hosting country and under the "
        "international standards that protect children. We ask you to take the action that "
        "your terms and the law allow (for example suspending the domain or the service) "
        "and to keep the related records for the police. No material is attached to this "
        "notice.\n\n"
        "Please tell us what you have done at this link (no account needed):\n{{ reply_url }}\n\n"
        "Reference: {{ reference }}\n{{ organisation }}",
    ),
    ("first", "fr"): (
        "Demande de retrait de contenus pédocriminels ({{ reference }})",
        "Madame, Monsieur{% if host_name %} (service abus de {{ host_name }}){% endif %},\n\n"
        "{% if reappeared %}Un contenu retiré après un précédent signalement de notre part est de nouveau en ligne.\n\n{% endif %}"
        "{{ organisation }} est une ligne de signalement qui reçoit les signalements de "
        "contenus d'abus sexuels sur mineurs. Nous avons examiné l'adresse suivante, hébergée "
        "selon nos informations sur votre réseau ou votre service :\n\n"
        "{FACTS}\n"
        "Ce contenu est illégal au regard de la loi du pays d'hébergement et des normes "
        "internationales de protection de l'enfance. Nous vous demandons :\n\n"
        "1. de le retirer ou d'en bloquer l'accès sans délai ;\n"
        "2. d'en conserver une copie et les données associées (compte, journaux de "
        "téléversement, adresses IP) à l'intention des services de police, dans la mesure "
        "permise par vos obligations légales ;\n"
        "3. de ne transmettre le contenu lui-même à personne, y compris à nous.\n\n"
        "Aucun contenu n'est joint à ce message.\n\n"
        "Merci de nous indiquer ce que vous avez fait, ou pourquoi vous ne pouvez pas agir, "
        "à ce lien (sans compte) :\n{{ reply_url }}\n\n"
        "Nous vérifierons de nouveau l'adresse et vous relancerons tant que le contenu sera "
        "en ligne.\n\n"
        "Référence : {{ reference }}\n{{ organisation }}",
    ),
    ("reminder", "fr"): (
        "Relance {{ reminder_number }} : contenu pédocriminel toujours en ligne ({{ reference }})",
        "Madame, Monsieur{% if host_name %} (service abus de {{ host_name }}){% endif %},\n\n"
        "Le {{ first_notice_at }}, nous vous avons demandé de retirer un contenu d'abus sexuel "
        "sur mineur de l'adresse ci-dessous. Nous l'avons vérifiée de nouveau le "
        "{{ checked_at }} : il est toujours en ligne.\n\n"
        "{FACTS}\n"
        "Nous vous demandons de nouveau de le retirer ou d'en bloquer l'accès sans délai, et "
        "d'en conserver une copie et les données associées à l'intention des services de "
        "police, dans la mesure permise par vos obligations légales. Aucun contenu n'est "
        "joint à ce message.\n\n"
        "Si vous avez déjà agi, ou ne pouvez pas agir, merci de nous le dire à ce lien (sans "
        "compte) :\n{{ reply_url }}\n\n"
        "Référence : {{ reference }}\n{{ organisation }}",
    ),
    ("escalation", "fr"): (
        "Escalade : contenu pédocriminel toujours en ligne ({{ reference }})",
        "Madame, Monsieur,\n\n"
        "{{ organisation }} est une ligne de signalement qui reçoit les signalements de "
        "contenus d'abus sexuels sur mineurs. Nous vous écrivons car l'hébergeur de l'adresse "
        "ci-dessous{% if host_name %} ({{ host_name }}){% endif %} ne l'a pas retirée. Nous "
        "l'avons averti le {{ first_notice_at }} et lui avons envoyé {{ notices_sent }} "
        "messages ; le contenu était toujours en ligne lors de notre vérification du "
        "{{ checked_at }}.\n\n"
        "{FACTS}\n"
        "Ce contenu est illégal au regard de la loi du pays d'hébergement et des normes "
        "internationales de protection de l'enfance. Nous vous demandons de prendre les "
        "mesures que vos conditions et la loi permettent (par exemple suspendre le domaine ou "
        "le service) et de conserver les données associées à l'intention des services de "
        "police. Aucun contenu n'est joint à ce message.\n\n"
        "Merci de nous indiquer ce que vous avez fait à ce lien (sans compte) :\n"
        "{{ reply_url }}\n\n"
        "Référence : {{ reference }}\n{{ organisation }}",
    ),
    ("first", "es"): (
        "Solicitud de retirada de material de abuso sexual infantil ({{ reference }})",
        "Estimado equipo de abuso{% if host_name %} de {{ host_name }}{% endif %}:\n\n"
        "{% if reappeared %}Un contenido retirado tras un aviso anterior nuestro vuelve a estar en línea.\n\n{% endif %}"
        "{{ organisation }} es una línea de denuncia que recibe denuncias de material de abuso "
        "sexual infantil. Hemos evaluado la siguiente dirección, alojada según nuestros datos "
        "en su red o servicio:\n\n"
        "{FACTS}\n"
        "Este material es ilegal según la ley del país de alojamiento y las normas "
        "internacionales de protección de la infancia. Les pedimos:\n\n"
        "1. que lo retiren o bloqueen el acceso a él sin demora;\n"
        "2. que conserven una copia y los registros relacionados (cuenta, registros de "
        "subida, direcciones IP) para la policía, en la medida en que lo permitan sus "
        "obligaciones legales;\n"
        "3. que no envíen el contenido en sí a nadie, tampoco a nosotros.\n\n"
        "Este aviso no incluye ningún material.\n\n"
        "Por favor, indíquennos qué han hecho, o por qué no pueden actuar, en este enlace "
        "(sin cuenta):\n{{ reply_url }}\n\n"
        "Volveremos a comprobar la dirección y les enviaremos recordatorios mientras el "
        "contenido siga en línea.\n\n"
        "Referencia: {{ reference }}\n{{ organisation }}",
    ),
    ("reminder", "es"): (
        "Recordatorio {{ reminder_number }}: material de abuso sexual infantil todavía en línea ({{ reference }})",
        "Estimado equipo de abuso{% if host_name %} de {{ host_name }}{% endif %}:\n\n"
        "El {{ first_notice_at }} les pedimos que retiraran material de abuso sexual infantil "
        "de la dirección siguiente. La comprobamos de nuevo el {{ checked_at }} y sigue en "
        "línea.\n\n"
        "{FACTS}\n"
        "Les pedimos de nuevo que lo retiren o bloqueen el acceso sin demora, y que conserven "
        "una copia y los registros relacionados para la policía, en la medida en que lo "
        "permitan sus obligaciones legales. Este aviso no incluye ningún material.\n\n"
        "Si ya han actuado, o no pueden actuar, indíquennoslo en este enlace (sin cuenta):\n"
        "{{ reply_url }}\n\n"
        "Referencia: {{ reference }}\n{{ organisation }}",
    ),
    ("escalation", "es"): (
        "Escalado: material de abuso sexual infantil todavía en línea ({{ reference }})",
        "Estimados colegas:\n\n"
        "{{ organisation }} es una línea de denuncia que recibe denuncias de material de abuso "
        "sexual infantil. Les escribimos porque el proveedor que aloja la dirección siguiente"
        "{% if host_name %} ({{ host_name }}){% endif %} no la ha retirado. Se lo notificamos "
        "el {{ first_notice_at }} y le enviamos {{ notices_sent }} avisos; el contenido seguía "
        "en línea cuando lo comprobamos el {{ checked_at }}.\n\n"
        "{FACTS}\n"
        "Este material es ilegal según la ley del país de alojamiento y las normas "
        "internacionales de protección de la infancia. Les pedimos que tomen las medidas que "
        "permitan sus condiciones y la ley (por ejemplo, suspender el dominio o el servicio) "
        "y que conserven los registros relacionados para la policía. Este aviso no incluye "
        "ningún material.\n\n"
        "Por favor, indíquennos qué han hecho en este enlace (sin cuenta):\n{{ reply_url }}\n\n"
        "Referencia: {{ reference }}\n{{ organisation }}",
    ),
    ("first", "de"): (
        "Aufforderung zur Entfernung von Darstellungen sexuellen Kindesmissbrauchs ({{ reference }})",
        "Sehr geehrtes Abuse-Team{% if host_name %} von {{ host_name }}{% endif %},\n\n"
        "{% if reappeared %}Inhalte, die nach einer früheren Meldung von uns entfernt wurden, sind wieder online.\n\n{% endif %}"
        "{{ organisation }} ist eine Beschwerdestelle für Meldungen über Darstellungen "
        "sexuellen Kindesmissbrauchs. Wir haben die folgende Adresse geprüft, die nach unseren "
        "Daten in Ihrem Netz oder bei Ihrem Dienst gehostet wird:\n\n"
        "{FACTS}\n"
        "Dieses Material ist nach dem Recht des Hosting-Landes und nach den internationalen "
        "Standards zum Schutz von Kindern rechtswidrig. Wir bitten Sie:\n\n"
        "1. es unverzüglich zu entfernen oder den Zugang zu sperren;\n"
        "2. eine Kopie und die zugehörigen Daten (Konto, Upload-Protokolle, IP-Adressen) für "
        "die Polizei zu sichern, soweit Ihre rechtlichen Pflichten dies erlauben;\n"
        "3. den Inhalt selbst an niemanden weiterzugeben, auch nicht an uns.\n\n"
        "Dieser Meldung ist kein Material beigefügt.\n\n"
        "Bitte teilen Sie uns unter diesem Link mit, was Sie unternommen haben oder warum Sie "
        "nicht handeln können (kein Konto nötig):\n{{ reply_url }}\n\n"
        "Wir prüfen die Adresse erneut und erinnern Sie, solange der Inhalt online ist.\n\n"
        "Referenz: {{ reference }}\n{{ organisation }}",
    ),
    ("reminder", "de"): (
        "Erinnerung {{ reminder_number }}: Darstellungen sexuellen Kindesmissbrauchs weiterhin online ({{ reference }})",
        "Sehr geehrtes Abuse-Team{% if host_name %} von {{ host_name }}{% endif %},\n\n"
        "Am {{ first_notice_at }} haben wir Sie gebeten, Darstellungen sexuellen "
        "Kindesmissbrauchs unter der folgenden Adresse zu entfernen. Bei unserer erneuten "
        "Prüfung am {{ checked_at }} war der Inhalt weiterhin online.\n\n"
        "{FACTS}\n"
        "Wir bitten Sie erneut, ihn unverzüglich zu entfernen oder den Zugang zu sperren und "
        "eine Kopie sowie die zugehörigen Daten für die Polizei zu sichern, soweit Ihre "
        "rechtlichen Pflichten dies erlauben. Dieser Meldung ist kein Material beigefügt.\n\n"
        "Wenn Sie bereits gehandelt haben oder nicht handeln können, teilen Sie es uns bitte "
        "unter diesem Link mit (kein Konto nötig):\n{{ reply_url }}\n\n"
        "Referenz: {{ reference }}\n{{ organisation }}",
    ),
    ("escalation", "de"): (
        "Eskalation: Darstellungen sexuellen Kindesmissbrauchs weiterhin online ({{ reference }})",
        "Sehr geehrte Damen und Herren,\n\n"
        "{{ organisation }} ist eine Beschwerdestelle für Meldungen über Darstellungen "
        "sexuellen Kindesmissbrauchs. Wir wenden uns an Sie, weil der Hoster der folgenden "
        "Adresse{% if host_name %} ({{ host_name }}){% endif %} den Inhalt nicht entfernt hat. "
        "Wir haben ihn am {{ first_notice_at }} benachrichtigt und {{ notices_sent }} "
        "Meldungen gesendet; bei unserer Prüfung am {{ checked_at }} war der Inhalt weiterhin "
        "online.\n\n"
        "{FACTS}\n"
        "Dieses Material ist nach dem Recht des Hosting-Landes und nach den internationalen "
        "Standards zum Schutz von Kindern rechtswidrig. Wir bitten Sie, die Maßnahmen zu "
        "ergreifen, die Ihre Bedingungen und das Gesetz erlauben (zum Beispiel die Domain oder "
        "den Dienst zu sperren), und die zugehörigen Daten für die Polizei zu sichern. Dieser "
        "Meldung ist kein Material beigefügt.\n\n"
        "Bitte teilen Sie uns unter diesem Link mit, was Sie unternommen haben (kein Konto "
        "nötig):\n{{ reply_url }}\n\n"
        "Referenz: {{ reference }}\n{{ organisation }}",
    ),
    ("first", "nl"): (
        "Verzoek tot verwijdering van beeldmateriaal van seksueel kindermisbruik ({{ reference }})",
        "Geacht abuse-team{% if host_name %} van {{ host_name }}{% endif %},\n\n"
        "{% if reappeared %}Materiaal dat na een eerdere melding van ons was verwijderd, staat weer online.\n\n{% endif %}"
        "{{ organisation }} is een meldpunt voor beeldmateriaal van seksueel kindermisbruik. "
        "Wij hebben het volgende adres beoordeeld, dat volgens onze gegevens op uw netwerk of "
        "dienst wordt gehost:\n\n"
        "{FACTS}\n"
        "Dit materiaal is strafbaar volgens de wet van het land waar het wordt gehost en "
        "volgens de internationale normen ter bescherming van kinderen. Wij verzoeken u:\n\n"
        "1. het zonder uitstel te verwijderen of de toegang ertoe te blokkeren;\n"
        "2. een kopie en de bijbehorende gegevens (account, uploadlogs, IP-adressen) te "
        "bewaren voor de politie, voor zover uw wettelijke verplichtingen dat toestaan;\n"
        "3. het materiaal zelf aan niemand door te sturen, ook niet aan ons.\n\n"
        "Bij deze melding is geen materiaal gevoegd.\n\n"
        "Laat ons via deze link weten wat u hebt gedaan, of waarom u niet kunt optreden "
        "(geen account nodig):\n{{ reply_url }}\n\n"
        "Wij controleren het adres opnieuw en sturen herinneringen zolang het materiaal "
        "online staat.\n\n"
        "Referentie: {{ reference }}\n{{ organisation }}",
    ),
    ("reminder", "nl"): (
        "Herinnering {{ reminder_number }}: beeldmateriaal van seksueel kindermisbruik staat nog online ({{ reference }})",
        "Geacht abuse-team{% if host_name %} van {{ host_name }}{% endif %},\n\n"
        "Op {{ first_notice_at }} hebben wij u gevraagd beeldmateriaal van seksueel "
        "kindermisbruik op het onderstaande adres te verwijderen. Bij onze controle op "
        "{{ checked_at }} stond het nog online.\n\n"
        "{FACTS}\n"
        "Wij verzoeken u opnieuw het zonder uitstel te verwijderen of de toegang te blokkeren, "
        "en een kopie en de bijbehorende gegevens te bewaren voor de politie, voor zover uw "
        "wettelijke verplichtingen dat toestaan. Bij deze melding is geen materiaal "
        "gevoegd.\n\n"
        "Hebt u al opgetreden, of kunt u niet optreden, laat het ons dan weten via deze link "
        "(geen account nodig):\n{{ reply_url }}\n\n"
        "Referentie: {{ reference }}\n{{ organisation }}",
    ),
    ("escalation", "nl"): (
        "Escalatie: beeldmateriaal van seksueel kindermisbruik staat nog online ({{ reference }})",
        "Geachte heer, mevrouw,\n\n"
        "{{ organisation }} is een meldpunt voor beeldmateriaal van seksueel kindermisbruik. "
        "Wij schrijven u omdat de hoster van het onderstaande adres"
        "{% if host_name %} ({{ host_name }}){% endif %} het materiaal niet heeft verwijderd. "
        "Wij hebben de hoster op {{ first_notice_at }} ingelicht en {{ notices_sent }} "
        "meldingen gestuurd; bij onze controle op {{ checked_at }} stond het materiaal nog "
        "online.\n\n"
        "{FACTS}\n"
        "Dit materiaal is strafbaar volgens de wet van het land waar het wordt gehost en "
        "volgens de internationale normen ter bescherming van kinderen. Wij verzoeken u de "
        "maatregelen te nemen die uw voorwaarden en de wet toestaan (bijvoorbeeld het domein "
        "of de dienst opschorten) en de bijbehorende gegevens te bewaren voor de politie. Bij "
        "deze melding is geen materiaal gevoegd.\n\n"
        "Laat ons via deze link weten wat u hebt gedaan (geen account nodig):\n"
        "{{ reply_url }}\n\n"
        "Referentie: {{ reference }}\n{{ organisation }}",
    ),
}


def add_builtins(apps, schema_editor):
    NoticeTemplate = apps.get_model("takedown", "NoticeTemplate")
    for (kind, language), (subject, body) in TEXTS.items():
        NoticeTemplate.objects.update_or_create(
            organisation=None,
            kind=kind,
            language=language,
            defaults={"subject": subject, "body": body.replace("{FACTS}", FACTS[language])},
        )


def remove_builtins(apps, schema_editor):
    NoticeTemplate = apps.get_model("takedown", "NoticeTemplate")
    NoticeTemplate.objects.filter(organisation=None).delete()


class Migration(migrations.Migration):
    dependencies = [("takedown", "0002_policy_auto_open_and_takedown_tracking")]

    operations = [migrations.RunPython(add_builtins, remove_builtins)]
