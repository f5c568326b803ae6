"""Violence, gore and horror described in text.

Realistic violence is recognised the way news reports it ("a teenager was stabbed",
"three people were killed in the attack", "a fight broke out after school"), not by
single words that idioms share ("killing it", "photo shoot", "panic attack", "this
homework is torture"). Fantasy violence is fighting zombies and monsters.
"""

from haven.access.signals.rules import Found, Rule, find, rule
from haven.access.signals.text import Text

VICTIM = (
    r"(?:man|woman|boy|girl|teenager|teen|teens|pupil|student|people|police\s+officer|officer|"
    r"victim|child|children|youth|youths|men|women|fan|fans|protesters?|pensioner|worker|"
    r"mother|father|son|daughter|baby|civilians?|residents?|he|she|they)"
)

VIOLENCE = (
    rule(
        "violence.realistic_intense",
        "realistic_intense",
        r"\b(?:shot|stabbed|beaten|hacked|bludgeoned|strangled|burned|burnt|kicked)\s+to\s+death\b|"
        r"\bshot\s+dead\b|\b(?:murder(?:ed|s|ing)?|murderers?|massacres?|massacred|gunm[ae]n|"
        r"beheaded|beheadings?|genocide|airstrikes?)\b|\b(?:mass|school)\s+shootings?\b|"
        r"\bshooting\s+"
        r"(?:spree|attack|victims?)\b|\bfatal(?:ly)?\s+(?:stabbing|shooting|stabbed|shot|attack)\b|"
        r"\bopened\s+fire\b|\bterror(?:ist)?\s+attacks?\b|\bsuicide\s+bomb\w*|\b(?:car\s+bomb|"
        r"bomb\s+attack)\b|\b(?:was|were)\s+(?:executed|tortured)\b|\bbeen\s+tortured\b|\bpublic\s+"
        r"executions?\b|\bwar\s+crimes\b|\btorture\s+(?:of|camps?|chambers?)\b|\bair\s+strikes?\b|"
        r"\bkilled\s+in\s+(?:an?|the)\s+(?:attack|shooting|stabbing|bombing|air\s?strike|raid|"
        r"massacre)\b|\bstabbing\s+(?:attack|incident|victim)\b|\b(?:knife|acid)\s+attack\b",
        "death dead murder murdered murders murdering murderer murderers massacre massacres "
        "massacred shooting shootings fatal fatally gunman gunmen fire terror terrorist bomb "
        "bomber bombers bombing bombings beheaded beheading beheadings executed executions "
        "genocide crimes tortured torture airstrike airstrikes air strike strikes killed "
        "stabbing attack",
        unless=r"\b(?:murder\s+(?:mystery|on\s+the|she\s+wrote)|could\s+murder|murder(?:ed)?\s+(?:it|"
        r"that\s+song|a\s+(?:burger|pizza))|among\s+us|game|cluedo|mystery\s+party)\b",
    ),
    rule(
        "violence.realistic_intense",
        "realistic_intense",
        rf"\b{VICTIM}s?\s+(?:was|were|has\s+been|have\s+been)\s+(?:shot|stabbed)(?:\s+(?:dead|"
        rf"and\s+"
        r"killed|in\s+the\s+(?:head|chest|neck|back|stomach|leg)|multiple\s+times|several\s+times|"
        r"by|on|outside|near|in|at))?\b|\b[0-9]+\s+(?:people\s+|civilians\s+|children\s+|"
        r"soldiers\s+)?"
        r"(?:were\s+|have\s+been\s+)?(?:killed|murdered|massacred|shot\s+dead)\s+(?:in|by|after|"
        r"during|when)\b|\b(?:dozens|hundreds|thousands|several|two|three|four|"
        r"five|six|seven|eight|nine|ten|many)\s+(?:people\s+|civilians\s+|children\s+|soldiers\s+)?"
        r"(?:were\s+|have\s+been\s+)?(?:killed|murdered|massacred|shot\s+dead)\s+(?:in|by|after|"
        r"during|when)\b",
        "shot stabbed killed murdered massacred",
        unless=r"\b(?:crash|collision|accident|earthquake|flood|floods|storm|fire\s+broke|"
        r"avalanche|landslide|photo|film|filmed|camera|goal)\b",
    ),
    rule(
        "violence.realistic_mild",
        "realistic_mild",
        rf"\b{VICTIM}s?\s+(?:was|were|has\s+been|have\s+been|got)\s+(?:attacked|assaulted|punched|"
        r"beaten(?:\s+up)?|kicked|injured\s+in|mugged|robbed|hurt\s+in|hit)\b|\bassault(?:ed)?\s+"
        r"(?:on|by|charges?)\b|\b(?:fist\s?fight|brawl|scuffle|fight)\s+(?:broke\s+out|outside|"
        r"after\s+school|at\s+school|in\s+the\s+playground)\b|\bfights?\s+(?:broke|break)\s+out\b|"
        r"\b(?:riots?|"
        r"rioting|rioters|casualties|muggings?)\b|\bviolent\s+(?:protests?|clash|clashes|disorder|"
        r"incidents?|attacks?|crimes?)\b|\b(?:knife\s+crime|gang\s+violence|domestic\s+(?:violence|"
        r"abuse)|police\s+brutality|armed\s+robbery)\b|\b(?:injured|hurt)\s+in\s+(?:an?|the)\s+"
        r"(?:attack|fight|assault|brawl)\b|\b(?:youth|street|school|knife|gun)\s+violence\b|"
        r"\bwar\s+in\s+[a-z]+|\binvasion\s+of\b|\bsoldiers?\s+(?:were\s+)?(?:killed|wounded)\b|"
        r"\bclash(?:ed|es)?\s+with\s+(?:police|protesters|riot\s+police|troops)\b",
        "attacked assaulted assault punched beaten kicked mugged mugging muggings robbed "
        "injured hurt hit fistfight fist brawl scuffle fight fights riot riots rioting rioters "
        "violent violence brutality armed robbery war invasion soldier soldiers casualties "
        "clash clashed clashes",
        unless=r"\b(?:in\s+(?:the\s+)?game|fortnite|minecraft|roblox|pillow|snowball|water\s+fight|"
        r"food\s+fight|got\s+hit\s+by\s+(?:a\s+)?(?:ball|car))\b",
    ),
    rule(
        "violence.fantasy_mild",
        "fantasy_mild",
        r"\b(?:kill(?:ing|ed|s)?|shoot(?:ing)?|slay(?:ing)?|fight(?:ing)?|battl(?:e|ing)|"
        r"defeat(?:ing)?|"
        r"destroy(?:ing)?|smash(?:ing)?)\s+(?:the\s+|all\s+the\s+|some\s+|more\s+)?(?:zombies|"
        r"monsters|"
        r"dragons|aliens|orcs|goblins|demons|robots|enemies|mobs|creepers|skeletons|bosses|"
        r"the\s+boss|"
        r"villains|baddies|bad\s+guys|trolls|undead)\b|\b(?:sword\s+fights?|laser\s+(?:guns?|"
        r"blasters?)|lightsaber\s+(?:fights?|duels?|battles?)|cartoon\s+violence|slapstick|nerf\s+"
        r"(?:war|battle|guns?))\b",
        "zombies monsters dragons aliens orcs goblins demons robots enemies mobs creepers "
        "skeletons bosses boss villains baddies guys trolls undead sword swords laser lightsaber "
        "cartoon slapstick nerf",
    ),
    rule(
        "violence.fantasy_intense",
        "fantasy_intense",
        r"\b(?:blood|gore)\s+in\s+(?:the\s+)?game\b|\b(?:brutal|gory|bloody)\s+(?:kills?|"
        r"fatalit(?:y|"
        r"ies)|finishers?|combat|deaths)\b|\b(?:fatalit(?:y|ies)\s+moves?|mortal\s+kombat)\b|"
        r"\bdismember\w*\s+(?:enemies|zombies|monsters)\b",
        "blood gore brutal gory bloody fatality fatalities mortal dismember dismembering",
    ),
)

GORE = (
    rule(
        "gore.intense",
        "intense",
        r"\b(?:decapitat\w+|dismember\w*|disembowel\w*|mutilat\w+|entrails|skinned\s+alive|"
        r"bestgore|"
        r"liveleak)\b|\bguts\s+(?:spilled|everywhere|hanging)\b|\bsevered\s+(?:head|heads|limbs?|"
        r"arms?|legs?|hands?|fingers?)\b|\bbrains?\s+(?:splattered|blown\s+out|everywhere)\b|"
        r"\b(?:exposed|sticking\s+out)\s+bones?\b|\bflesh\s+(?:torn|ripped|rotting|hanging)\b|"
        r"\bbeheading\s+(?:videos?|footage)\b|\bgore\s+(?:videos?|sites?|footage|compilations?)\b|"
        r"\b(?:real|actual)\s+(?:footage|videos?|"
        r"clips?)\s+of\s+(?:\w+\s+){0,3}?(?:being\s+)?(?:killed|"
        r"murdered|executed|shot|stabbed|beheaded|dying|die)\b|"
        r"\breal\s+(?:death|murder|execution)\s+(?:videos?|footage)\b|\b(?:uncensored|unblurred|"
        r"unedited)\s+(?:footage|"
        r"videos?|images|photos|pictures)\s+(?:of|from)\s+(?:a\s+|the\s+)?(?:fatal|deadly|dead|"
        r"death|murder|"
        r"killing|execution|bodies|body|accident|crash|shooting|stabbing)\b|\bwatch\s+(?:people|"
        r"someone|a\s+man|a\s+woman)\s+die\b|\bautopsy\s+(?:photos|pictures|videos)\b",
        "decapitated decapitation decapitate dismember dismembered dismemberment disembowel "
        "disembowelled mutilated mutilation mutilate entrails guts severed brain brains exposed "
        "sticking flesh skinned beheading gore bestgore liveleak footage die autopsy death "
        "uncensored unblurred unedited real actual",
        unless=r"\bgenital\s+mutilation|\bfgm\b",
    ),
    rule(
        "gore.mild",
        "mild",
        r"\b(?:gory|gruesome|bloodbath|blood\s+(?:everywhere|spurting|pouring|gushing|splatter\w*|"
        r"soaked|stained)|covered\s+in\s+blood|pool\s+of\s+blood|graphic\s+(?:injuries|images|"
        r"footage|"
        r"content|violence|scenes?|photos|video|injur\w+)|open\s+wounds?|compound\s+fracture|"
        r"bloody\s+(?:mess|wounds?|injuries|scene|violence)|gore(?!-?tex)|grisly)\b",
        "gory gruesome bloodbath blood graphic wound wounds fracture bloody gore grisly",
        unless=r"\bal\s+gore\b",
    ),
)

HORROR = (
    rule(
        "horror.intense",
        "intense",
        r"\b(?:horror\s+(?:films?|movies?|games?|stories|story|genre|series|novels?|books?|fans?|"
        r"channel|show|scenes?)|slasher\w*|possessed\s+by|demonic\s+possession|exorcis\w+|serial\s+"
        r"killers?|creepypastas?|skinwalkers?|jump\s?scares?|the\s+exorcist|the\s+conjuring|"
        r"terrifier|"
        r"paranormal\s+activity|insidious|annabelle|nightmare\s+on\s+elm\s+street|texas\s+chainsaw|"
        r"psychological\s+horror|body\s+horror|found\s+footage|analog\s+horror|nightmare\s+fuel)\b",
        "horror slasher slashers possessed demonic exorcism exorcist exorcisms serial "
        "creepypasta creepypastas skinwalker skinwalkers jumpscare jumpscares scare scares "
        "conjuring terrifier paranormal insidious annabelle nightmare elm chainsaw footage",
    ),
    rule(
        "horror.mild",
        "mild",
        r"\b(?:spooky|ghost\s+(?:stor(?:y|ies)|films?|movies?|hunt\w*|train)|haunted\s+(?:house|"
        r"houses|"
        r"mansion|castle|school|doll)|scary\s+(?:stories|story|movies?|films?|games?|videos?|"
        r"clowns?|"
        r"monsters?|masks?)|creepy\s+(?:stories|story|dolls?|videos?|movies?|clowns?|games?)|"
        r"goosebumps|fnaf|five\s+nights\s+at\s+freddy'?s|slender\s?man|huggy\s+wuggy|"
        r"poppy\s+playtime|"
        r"backrooms|zombie\s+(?:films?|movies?|apocalypse)|vampires?|werewol(?:f|ves))\b",
        "spooky ghost haunted scary creepy goosebumps fnaf freddy freddy's slender slenderman "
        "huggy poppy backrooms zombie vampire vampires werewolf werewolves",
    ),
)

RULES: tuple[Rule, ...] = VIOLENCE + GORE + HORROR


def signals(text: Text) -> list[Found]:
    return [hit.found() for hit in find(RULES, text)]
