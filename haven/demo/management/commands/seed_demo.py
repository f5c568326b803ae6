"""`haven seed_demo`: create the demo organisation and print its sign-ins."""

from django.core.management.base import BaseCommand

from haven.demo.access import ACCESS_DEMO_LOGINS
from haven.demo.helpline import RESPONDER_USER_PARTNER, RESPONDER_USER_RESPONDER
from haven.demo.seed import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = (
        "Create the demo organisation: staff accounts, hash bank, sample reports, partner and "
        "host directories, four months of takedown history, and the helpline's partner "
        "network, rota and three months of contacts, emergencies and cases, and the access "
        "policies of a school and two families."
    )

    def handle(self, *args, **options):
        seeded = seed_demo()
        self.stdout.write(demo_banner(seeded))


def demo_banner(seeded) -> str:
    lines = [
        f"Demo organisation: {seeded.organisation.name}",
        f"Demo sign-ins (password {DEMO_PASSWORD!r}; the two-factor page shows the demo code):",
    ]
    lines += [f"  {username:<16} {role}" for username, role in seeded.accounts]
    lines += [
        "Helpline: demo-counsellor takes chats and calls at /helpline/ and raises emergencies;",
        f"  demo-responder is {RESPONDER_USER_RESPONDER} of {RESPONDER_USER_PARTNER} and sees "
        "only what is alerted or referred to it.",
        "  SMS goes through the fake provider: nothing leaves this machine.",
        "Access policy (/access/): the school's and families' trusted adults, same password:",
    ]
    lines += [f"  {username:<16} {description}" for username, description in ACCESS_DEMO_LOGINS]
    lines.append(f"Demo partner API token: {seeded.partner_token}")
    return "\n".join(lines)
