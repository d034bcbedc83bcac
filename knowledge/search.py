"""Search over the knowledge base: folded, typo-tolerant, synonym-aware, with a calibrated confidence.

Everything heavy happens once, when the index is built: folding every field, the vocabulary of words and
word pairs, the postings with their BM25F contributions, and the folded phrasings for fuzzy matching. A
query then costs a few dictionary look-ups, a fuzzy look-up for words that are not in the vocabulary
(typos), and a fuzzy comparison against the phrasings of the best few candidates.

How a query is scored
1. Fold it (lower case, no diacritics, đ → d), split into words, expand abbreviations and village words from
   knowledge/synonyms.yaml ("hgv" → "hoa giai vien", "ko" → "khong").
2. Words that are not in the vocabulary are typos until proven otherwise: the closest vocabulary words
   (optimal-string-alignment distance 1, or 2 for long words) stand in for them, and word pairs decide which
   reading fits ("thnah" → "thanh" because "hoa giai thanh" exists).
3. Lexical relevance: BM25F over words and word pairs of title, questions, keywords, synonyms, tags and
   answer, fields weighted (a word in the title counts more than one in the answer).
4. The best candidates are re-ranked with the fuzzy similarity of the query to each entry's phrasings.
   Beside them: the kind of answer asked (who / when / how / yes-no…) and the facets (team leader, parties,
   court, rights, duties) each phrasing shares with the query. Each candidate then gains a little of the score
   of the best other candidate on the same provision (article-level evidence); this orders the answers only.
5. Confidence combines how much of the query (by information content) the best entry explains, its fuzzy
   similarity, and its margin over the best entry on ANOTHER provision; it is capped below the threshold when
   the word evidence alone (BM25F) prefers another provision than the re-ranked answer, or when another
   provision comes within MIN_MARGIN (RELATED_MARGIN for an entry the answer lists as related). Unknown words
   weigh as much as the rarest known word, so a question about something the knowledge base never mentions
   ("giá lúa hôm nay") explains little and comes out not confident.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from knowledge.catalog import Entry, KnowledgeBase
from knowledge.text import MAX_QUERY_CHARS, accented_words, fold

#: Field weights of BM25F (title and phrasings matter most; the answer adds recall for specific details).
#: Phrasings weigh a little less than the title and keywords: on phrasings the index has not seen (each fifth
#: of the entries' own phrasings left out in turn, bench/retrieval_loo.py) that ranks better, since a new
#: question rarely repeats the wording of the ones written down.
#: An entry's `also_asked` phrasings (more ways people ask, many without diacritics: "asked" below) weigh
#: two thirds of its `questions`, and count at ASKED_DISCOUNT in the fuzzy and phrasing features. They
#: rank; they do not vouch (ASKED_ONLY_RANKS): the word evidence behind a confident answer is the entry's own
#: text, so "thi bằng lái xe máy ở đâu" is not answered because one phrasing mentions a motorbike accident.
#: Chosen on the blind development sets A–E (ASKED 0.3/0.5/0.75/1.5 × DISCOUNT 0.7/0.8/0.85/0.9);
#: measured on dev_blindF, written blind and scored before any look at it: top-1 85.4 → 90.5 %.
#: Session 7, with ten times as many phrasings (3,000, most from the blind sets): "asked" 0.5 → 1.0, chosen
#: by scoring each blind set with its own questions and their near-copies taken out of the phrasings (3,305
#: questions of 24 sets; W and Y kept out): top-1 91.2 → 92.2 %, top-3 98.0 → 98.3 %, confidently wrong
#: 36 → 27 (0.75 and 1.5 about the same); unseen phrasings of the entries top-1 78.6 → 79.8 %, wrong 35 → 31;
#: own dev set −2 questions of 349.
FIELD_WEIGHTS = {
    "title": 3.0,
    "questions": 1.5,
    "asked": 1.0,
    "keywords": 2.0,
    "synonyms": 1.5,
    "tags": 1.0,
    "answer": 0.6,
}
FIELD_B = {
    "title": 0.5,
    "questions": 0.75,
    "asked": 0.75,
    "keywords": 0.5,
    "synonyms": 0.5,
    "tags": 0.3,
    "answer": 0.75,
}
ASKED_DISCOUNT = 0.8
ASKED_ONLY_RANKS = True
#: A typed word the knowledge base does not know is read as a near word, but never as a stop word: "cách nấu
#: phở bò" is not "cách nào" (no change on any development set; one out-of-scope question declined again).
TYPO_NOT_STOP = True
#: A question with no word pair of the mediation domain (pairs found in DOMAIN_SHARE of the entries: "hòa
#: giải", "thỏa thuận", "tổ trưởng"…) gets suggestions, not a direct answer, however well one entry matches
#: its words ("cài zalo trên điện thoại" → the entry on mediating by phone). Blind set G: 19 → 20 of 20
#: out-of-scope questions declined; every other dev figure unchanged except 2 right direct answers of the own
#: tuning split turned into suggestions (a story with no mediation word, "thôn, bản … gọi chung là gì").
DOMAIN_CAP = True
K1 = 1.2
PAIR_WEIGHT = 1.0
#: Words that carry little meaning in a question; they still count, with a small weight.
STOPWORDS = frozenset(
    """
a ah ai ak anh ba bac bao bi biet bo cac cai cho chi chu chua co con cua cung da dang day de den di do
duoc em gi gio giup ha hay hoi hoac hom hon khi khong kia la lai lam len luc ma minh mot muon nao nay neu
nghe nhe nhi nhieu nhu nhung noi o oi ong phai qua ra rang roi sao se sau sang tai the thi thoi thuong toi
trong tu va vao ve voi vi xin xem
""".split()
)
STOP_WEIGHT = 0.25
#: Words that close a question as a particle ("… là gì vậy", "… được không ạ"): dropped at the end of a query.
#: "vay" is a content word elsewhere ("vay tiền"), so it is not a stop word.
FINAL_PARTICLES = frozenset({"vay"})
#: Weight of a word pair by how many of its two words are stopwords ("giai_co", "co_duoc" say little).
PAIR_STOP_WEIGHTS = (1.0, 0.5, 0.15)
FUZZY_CANDIDATES = 25
MAX_POSTINGS = 80
MAX_QUERY_WORDS = 40
#: Weights of the final score: lexical (normalised to 0–1 by what the query could score at best) and fuzzy.
LEX_WEIGHT = 0.65
FUZZ_WEIGHT = 0.15
#: Best single phrasing (title or question) of an entry: the share of the query's information (IDF-weighted
#: words and pairs) it contains, and the share of its own information the query contains. BM25F pools all
#: phrasings of an entry; these favour the entry with ONE phrasing that says what the user asked.
PHRASE_WEIGHT = 0.0
PHRASE_PREC_WEIGHT = 0.1
#: When the query carries diacritics, the share of its accented words (by IDF) that the entry spells the same
#: way: "bản" and "bạn" fold to the same "ban", the marks tell them apart.
ACCENT_WEIGHT = 0.2
#: What kind of answer a question asks for, read from its question words (folded). Entries have several
#: phrasings; the share of them asking the same kind of thing as the query ("ai ghi sổ?" vs "ghi sổ thế
#: nào?") separates the rule from the how-to on the same subject, which the content words cannot.
INTENTS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "how": r"\b(the nao|lam sao|ra sao|cach|lam the nao)\b",
        "who": r"\bai\b",
        "when": r"\b(khi nao|bao lau|may ngay|luc nao|bao gio|thoi han|thoi hieu|bao nhieu (ngay|thang))\b",
        "amount": r"\b(bao nhieu|muc|toi thieu|toi da)\b",
        "where": r"\b(o dau|di dau|noi nao|cho nao)\b",
        "todo": r"\b(lam gi|xu ly|thi sao|phai lam)\b",
        "define": r"\b(la gi|nghia la|hieu the nao|gom nhung)\b",
        "list": r"\bnhung\b.*\bgi\b|\bviec gi\b|\bgom\b",
        "yesno": r"\b(khong|co phai|co can|co bat buoc)$",
        "compare": r"\bkhac (nhau )?(cho nao|o dau|gi|the nao|ra sao)\b|\bphan biet\b|\bgiong\b",
        "condition": r"\b(dieu kien|truong hop nao|can nhung gi|phai du)\b",
    }.items()
}
INTENT_WEIGHT = 0.1
#: Who or what the question is about, and whether it asks for rights or duties, read from the folded query and
#: from each entry's title and phrasings: "nghĩa vụ của hòa giải viên" is not the team leader's article,
#: "quyền của các bên" is not the mediator's. An entry earns the share of the question's facets it shares.
FACETS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "leader": r"\bto truong\b",
        "parties": r"\b(cac ben|hai ben|mot ben|ben kia|duong su)\b",
        "court": r"\btoa\b",
        "duty": r"\b(nghia vu|trach nhiem|phai lam (nhung )?viec gi|bat buoc phai lam)\b",
        "right": r"(?<!tham )(?<!chinh )\bquyen\b",
        # the commune's government and its justice officer, not the team: tuning split +1, unseen phrasings
        # top-1 70.3 -> 70.5 %, confident answers unchanged ("Mặt trận" as a facet too cost top-3). Any
        # "chính quyền" is the government, not a right (it fired the right facet before): tuning split and
        # unseen-phrasing top-1/top-3 unchanged, one confident unseen answer fewer (none more wrong)
        "commune": r"\b(uy ban nhan dan xa|ubnd xa|chinh quyen|cong chuc tu phap)\b",
        # the Ministry and the province, each a subject of its own (session 6: "bộ tư pháp làm gì" was
        # answered with the glossary entry on the Sở Tư pháp, "Bộ Tư pháp có trách nhiệm gì" with the
        # commune's duties): fresh blind sets N and O +1 question each, confident wrong on N 2 -> 1
        "ministry": r"\bbo tu phap\b",
        "province": r"\b(uy ban nhan dan tinh|ubnd tinh|so tu phap)\b",
        # leaving the post (Điều 11): "hòa giải viên bị phạt hành chính thì có bị cho thôi không" is not the
        # entry on matters that need administrative sanctions (Điều 3 khoản 1 c). Session 7: leave-set-out
        # top-1 +9 questions (none lost), own test split +1; eight right answers on Điều 11 lose their
        # confidence (the two Điều 11 entries now share the facet)
        "leave": r"\b(thoi lam|cho thoi|phai thoi|bi thoi|xin thoi)\b",
        # public land and ways (Điều 3 khoản 1 a: not mediated): a subject of its own, so that a neighbour's
        # wall "lấn sang đất nhà tôi" is not answered with the entry on encroaching the village road. Session
        # 8: leave-set-out +1 question, none lost
        "public": r"\b(dat cong|duong lang|duong lien thon|ngo cong cong|kenh|bo kenh|hanh lang|via he"
        r"|loi ich cong cong|dat cua (xa|nha nuoc)"
        r"|(duong|loi|ngo) (di )?chung cua (ca )?(xom|thon|khu pho|to dan pho))\b",
        # the team and the mediator as the subject of a duty or a right ("tổ hòa giải có những trách nhiệm
        # gì" is Điều 13, not the mediator's Điều 10 nor the team leader's Điều 15; "nghĩa vụ của hòa giải
        # viên" is Điều 10, not Điều 15). Session 8: leave-set-out top-1 +8 questions (none lost),
        # confidently wrong 40 -> 39, and the plain "nghĩa vụ của hòa giải viên là gì" answered directly
        "team": r"(?<!truong )\bto (hoa giai|hg)\b.{0,25}\b(trach nhiem|nhiem vu|lam nhung viec gi)\b"
        r"|\b(trach nhiem|nhiem vu) cua (cac )?to (hoa giai|hg)\b",
        "mediator": r"\b(hoa giai vien|hgv)\b.{0,25}\b(quyen|nghia vu|trach nhiem|nhiem vu)\b"
        r"|\b(quyen|nghia vu|trach nhiem|nhiem vu)( va nghia vu| va quyen)? cua (cac )?(hoa giai vien|hgv)\b",
    }.items()
}
FACET_WEIGHT = 0.2
#: An entry whose title is about the team leader, the court or public land, for a question that names none
#: of them: the rule for everyone ("các bên ở hai thôn") before the team leader's duty on the same matter.
SUBJECTS = frozenset({"leader", "court", "public"})
#: Entries on the court's recognition (RECOGNITION_TAG) are about the court whatever their title says (blind
#: set E +1, nothing else changed).
SUBJECT_PENALTY = 0.05
#: Confidence at or above which an answer is given directly.
CONFIDENT = 0.65
#: Highest confidence when the lexical ranking alone (BM25F) prefers an entry on another provision: the
#: answer's provision is not that of the DISAGREEMENT_TOP lexically best entries (1; 2 or 3 let through
#: mostly wrong answers on unseen phrasings).
DISAGREEMENT_CAP = 0.6
DISAGREEMENT_TOP = 1
#: ... unless the question is word for word one of the answer's own phrasings (fuzzy >= EXACT_FUZZ, which a
#: way of asking never reaches after its discount): "tổ hòa giải có trách nhiệm gì" is answered directly
#: although the word counts alone prefer Điều 17 (session 6; blind M one right direct answer more).
EXACT_OVERRIDES = True
#: Least margin (final score over the best entry on another provision) of a confident answer; below it the
#: answer is capped like a disagreement. Chosen on the dev tuning split and the unseen-phrasing check
#: (bench/retrieval_loo.py), counting a confident wrong answer three times as bad as a right answer turned
#: into suggestions. On unseen phrasings it takes confident answers from 463 (107 wrong) to 340 (54 wrong); on
#: the tuning split from 162 (3 wrong) to 142 (none wrong). 0.18 costs more right answers than it saves.
MIN_MARGIN = 0.15
#: ... and when the best entry on another provision is one the knowledge base itself marks as related to the
#: answer (`related`: the law and the decree on remuneration, the court's conditions and procedure), the lead
#: must be at least this (unseen phrasings: confident 340 → 334, wrong 54 → 51; one right tuning answer lost).
RELATED_MARGIN = 0.16
#: A question that is (almost) word for word one of the entry's own phrasings is the knowledge base's own
#: decision: the margin rules above do not apply to it.
EXACT_FUZZ = 0.95
#: Read a known word one edit away from another as that other word too, when only the other makes a known
#: word pair with a neighbour ("thu loa" → "thu lao").
VALID_TYPOS = True
#: ... and only when the word as typed is rare in the knowledge base (in at most this many entries).
RARE_DF = 3
#: ... but not a word typed WITH its tone marks: "xóm dưới" is not "xóm nuôi", whatever word pair the
#: knowledge base has. (Words the knowledge base does not know are still read as typos, accented or not.) No
#: change on the dev splits or unseen phrasings; it stops readings no one typed.
ACCENTED_AS_TYPED = True
#: Suggestions list different provisions before a second entry on the same one.
DIVERSE = True
#: Article-level evidence: an entry gains this share of the score of the best OTHER candidate on the same
#: provision (the law's wording, the glossary and the practical skill on one article agreeing). Only the best
#: sibling counts, so an article with many entries gets no more than one with two. Chosen on the unseen
#: phrasings (bench/retrieval_loo.py): 0 → 0.05 takes top-1 from 68.9 to 70.3 %, top-3 from 90.2 to 91.0 %;
#: the tuning split stays at 225/240 with no confident wrong answer; 0.1 and more cost tuning answers, and a
#: floor under which a sibling does not count (0.4–0.6) loses most of the gain. It orders the answers only:
#: the margins behind the confidence are taken on the scores before it, so the calibration below is unchanged
#: (with the bonus in the margins, a decree article with two entries came within MIN_MARGIN of the law's own
#: article on "Luật … có hiệu lực từ ngày nào").
ARTICLE_WEIGHT = 0.05
#: A question about mediating the matter (the team, "có hòa giải được không", "hòa giải không thành thì…")
#: is not one about the lawsuit, the police report or the paperwork itself: entries marked `outside` rank
#: OUTSIDE_PENALTY lower for it ("hòa giải không thành thì có được kiện ra tòa không" is Điều 27, not the
#: inheritance suit). No change on the dev splits or unseen phrasings (few touch those entries); every
#: question of the own out-of-scope set is still declined. Session 5: 0.05 → 0.1 once the outside entries had
#: their `also_asked` ("kiện ra tòa"…), and "hòa giải viên" alone no longer counts (a mediator's own health
#: insurance IS the outside matter): blind sets B −1, D confident wrong 2 → 1, others unchanged.
MEDIATION_ASKED = re.compile(
    r"\b(to hoa giai|to truong|hoa giai o (thon|xom|to dan pho|co so)|hoa giai (duoc|dc)|"
    r"co (duoc |the )?hoa giai|nho hoa giai|hoa giai (khong )?thanh)\b"
)
OUTSIDE_PENALTY = 0.1
#: A question asking WHETHER a matter can be mediated ("đất chưa có sổ đỏ có hòa giải tranh chấp được không")
#: is answered by the scope rules, never by an entry on administrative paperwork (an `outside` entry tagged
#: PAPERWORK_TAG: land titles, civil status, insurance cards), however many of its words it shares ("sổ đỏ").
WHETHER_MEDIABLE = re.compile(
    r"\bhoa giai\b.*\b(duoc|dc)( (khong|ko|k))?$|\bco (duoc |the )?hoa giai\b.*\b(khong|ko|k)$"
)
PAPERWORK_TAG = "thu-tuc-hanh-chinh"
PAPERWORK_PENALTY = 0.3
#: ... nor by the practical entry on the same kind of situation (tagged STORY_TAG: straying animals, noise,
#: boundaries…), which says how to mediate it, not whether it may be: for a question asking whether the team
#: can take a matter on, those rank STORY_PENALTY lower and the scope provisions (SCOPE) SCOPE_BOOST higher.
#: ("bản" is a village, "ban hành" is not: "Bộ Tư pháp có ban hành mẫu sổ hòa giải không" asks no such thing.)
#: Session 8: also when the question goes on with the other way out ("… được không hay phải ra tòa / báo công
#: an / lên xã"), asks "nhờ tổ hòa giải hay phải kiện", leaves out the final "không" ("có được hòa giải ở
#: thôn?"), or says "vào" / "can" for stepping in ("tổ hg vào được không"): leave-set-out top-1 +5 / −1
#: questions, top-3 98.35 → 98.45 %, confidently wrong 34 → 33; the four sets of session 8 +4 questions.
OTHER_WAY = r"hay (la |phai |bat buoc )*(ra toa|kien|len xa|bao)\b.*"
OR_ELSE = "( " + OTHER_WAY + ")?"
CAN_MEDIATE = re.compile(
    r"\b(to hoa giai|to|hoa giai vien|thon|xom|ban(?! hanh)|co so)\b( \w+){0,3} (co )?(duoc |the )?"
    r"(hoa giai|giai quyet|vao cuoc|vao|dung ra|giup|can thiep|can)\b( \w+){0,5} (duoc|khong)( duoc| khong)?"
    r"( a| ah)?" + OR_ELSE + "$"
    r"|\bnho (to hoa giai|to|hoa giai vien|hoa giai)\b( \w+){0,5} "
    r"(duoc( khong)?|" + OTHER_WAY + ")( a| ah)?$"
    r"|\bco (duoc |the )?hoa giai( o (thon|xom|co so))?( duoc)?( khong)?( a| ah)?$"
    # "…, hòa giải ở thôn được không" / "hòa giải vụ này dc ko" / "có nhận hòa giải không" with no subject
    r"|\bhoa giai\b(?! vien| thanh| khong thanh)( \w+){0,5} duoc( khong)?( a| ah)?" + OR_ELSE + "$"
    r"|\bco (duoc |the )?(nhan )?hoa giai\b( \w+){0,4} khong( a| ah)?$"
)
#: ... but not when the mediator asks about stepping in unasked or about a matter of their own family.
CAN_MEDIATE_NOT = re.compile(
    r"\b(chua|khong) ai (nho|yeu cau)\b|\btu (vao|dung ra|hoa giai)\b"
    r"|\b(ho hang|nguoi nha|anh ho|em ruot|thong gia|nha minh)\b"
)
STORY_TAG = "tinh-huong"
#: ... nor when a party tells the story and asks where to turn ("gà nhà bên phá rau, muốn nhờ tổ hòa giải thì
#: bắt đầu từ đâu", "…, tôi phải làm thế nào", "nhờ ai giải quyết"): the story entries tell a mediator how to
#: mediate such a case; the party's answer is how to ask for mediation (Điều 16). Story entries rank
#: STORY_PENALTY lower for such a question, unless the asker says they are the mediator.
PARTY_HELP = re.compile(
    r"\b(nho|bao|gap|hoi) ai\b|\bbat dau tu dau\b"
    r"|\b(toi|minh|nha toi|gia dinh toi) (phai|nen|can) lam (gi|sao|the nao)\b"
    r"|\bmuon (nho )?(to )?hoa giai\b.*\b(lam (gi|sao|the nao)|thi sao)\b"
)
#: Session 7, over the 26 blind sets: top-1 +19 questions, none lost, confidently wrong 17 → 15 (0.2: +15;
#: 0.4: +21, one lost to an entry on calming a heated argument); own split: two questions now answered
#: with the Điều 16 entry, which their labels now accept (LABEL_CHANGES.md).
HELP_PENALTY = 0.3
MEDIATOR_SELF = re.compile(
    r"\btoi la (hgv|hoa giai vien|to truong)\b|\b(hgv|hoa giai vien|to truong)( nhu)?( toi)? (nen|phai|can)\b"
)
#: Chosen on the four blind development sets, whose writers all read "tổ hòa giải có hòa giải được
#: không?" after a story as a question on the scope: 0/0 → 0.2/0.2 takes top-1 on dev_blindA 92.2 → 92.9 %,
#: B 85.6 → 88.4 %, C 75.0 → 78.1 %, D 88.4 → 89.7 %, the own test split 90.2 → 91.5 %, unseen phrasings
#: 69.7 → 69.9 %; the own tuning split 95.1 → 94.8 % (its labels chose the practical entry for two such
#: questions); confident wrong answers on the blind sets 26 → 18. 0.3 gains on C, loses on A and the
#: test split.
STORY_PENALTY = 0.2
SCOPE = frozenset({("35/2013/QH13", 3), ("15/2014/NĐ-CP", 5)})
SCOPE_BOOST = 0.2
#: ... and the three suggestions for such a question hold both scope provisions (the Law's Điều 3 and the
#: decree's Điều 5, which details it; the blind writers cite either). Session 7: top-3 on the sets read after
#: they were scored (W, AB, AD) +2, +1, +6 questions, Z −1; leave-set-out top-3 +1 question; top-1 unchanged;
#: unseen phrasings of the entries top-3 94.8 → 94.3 % (a story entry's own wording loses its third place).
SCOPE_BOTH = True
#: When such a question's best match is a story entry (the dog that bit, the mango tree that fell on the
#: roof…), the answer is the general scope rule (entries tagged SCOPE_TAG: what may and may not be mediated),
#: with the story entry after it for the how: the general entries rank SCOPE_GENERAL_BOOST higher, enough to
#: lead. Chosen on the blind development sets (with the wider CAN_MEDIATE above): top-1 dev_blindB +1, C +5,
#: E +6 questions; A −1 and the own test split −1 (their writers labelled "nhờ hòa giải được không" after a
#: story with the practical entry).
SCOPE_TAG = "pham-vi-chung"
SCOPE_GENERAL_BOOST = 0.5
#: A practical story entry answers "what do I do / how" about its situation. Asked anything else about it
#: (whether the team may take it on, who, when, how much…) it may still be the best match, but it is not
#: given as a direct answer (the disagreement cap). Blind development set C: confident answers 74 → 70, wrong
#: ones 6 → 2; own dev splits: 3 right confident answers fewer, none wrong; unseen phrasings: 365 → 360
#: confident, 59 → 58 wrong.
STORY_SURE = frozenset({"how", "todo"})
STORY_CAP = True
#: A question that names one document ("Luật Hòa giải ở cơ sở có hiệu lực từ ngày nào", "nghị định 15 …")
#: is about that document: entries citing another one rank DOC_PENALTY lower.
NAMED_DOCUMENTS = {
    "35/2013/QH13": re.compile(r"\bluat (hoa giai|35)\b"),
    "15/2014/NĐ-CP": re.compile(r"\b(nghi dinh|nd) 15\b|\bnghi dinh\b(?! \d)"),
    "01/2014/NQLT/CP-UBTƯMTTQVN": re.compile(r"\bnghi quyet lien tich\b|\bnqlt\b"),
    "56/2023/TT-BTC": re.compile(r"\bthong tu\b"),
    "92/2015/QH13": re.compile(r"\b(bo luat to tung|blttds)\b"),
    "315/QĐ-TTg": re.compile(r"\b(de an|quyet dinh) 315\b"),
}
DOC_PENALTY = 0.1
#: ... and a question that names no document is answered from the Law itself when the Law says it about as
#: well as the texts implementing it (IMPLEMENTING rank LAW_PRIOR lower: the Front's role, Luật Điều 5, 30
#: before NQLT 01/2014; where the money comes from, Luật Điều 6 before NQLT Điều 16). Entries on other laws
#: (the court, the land law, where to report a crime) are not ranked down. Session 7, over the 26 blind sets:
#: 0 → 0.02 top-1 +6 / −1 questions, confidently wrong 15 → 13; own splits unchanged; unseen phrasings top-1
#: 78.9 → 78.6 %, top-3 94.6 → 94.9 %. 0.04 trades two more right answers for two wrong ones.
LAW_PRIOR = 0.02
IMPLEMENTING = frozenset({"15/2014/NĐ-CP", "01/2014/NQLT/CP-UBTƯMTTQVN", "56/2023/TT-BTC", "315/QĐ-TTg"})
#: Court recognition is of a SUCCESSFUL mediation: a question about one that failed ("hòa giải không thành thì
#: có được kiện ra tòa không") is not answered by an entry tagged RECOGNITION_TAG, however alike the wording.
FAILED_ASKED = re.compile(r"\bkhong thanh\b")
RECOGNITION_TAG = "cong-nhan-hoa-giai-thanh"
FAILED_PENALTY = 0.1
#: ... nor by the entry on whether mediation must come BEFORE a lawsuit (tagged BEFORE_SUIT_TAG): after a
#: failed mediation the question is what comes next (Điều 27). Added with that entry (session 7): it decides
#: "hòa giải không thành thì có được kiện ra tòa không" (a regression test of the issue's); no question of
#: the blind sets changes with it.
BEFORE_SUIT_TAG = "truoc-khi-kien"
BEFORE_SUIT_PENALTY = 0.2
#: A question told as a story ends with what is asked ("…, trâu nhà kia ăn lúa, không ai nhờ thì tôi có
#: được tự đứng ra hòa giải không?"): the words of its last clause weigh this much more than the story's.
#: Chosen on the blind development sets (bench/data/dev_blind*.yaml): 0 → 0.6 takes dev_blindB top-1 from
#: 75.3 to 78.1 %, the own tuning split from 94.4 to 95.5 %, dev_blindA and the unseen phrasings unchanged
#: (0.3 gains less, 1.0 costs unseen phrasings; a clause break at "thì" too loses what it gains).
QUESTION_BOOST = 0.6
CLAUSES = re.compile(r"[,.;:!?\n]+")
#: A not-confident question is out of scope when it shares no common word pair of the knowledge base
#: (pairs found in at least this share of entries: "hoa giai", "to hoa", "thu lao"...).
DOMAIN_SHARE = 0.03


@dataclass(slots=True)
class Analysis:
    terms: dict[str, float]
    text: str
    #: content words (their readings) and adjacent word pairs, each with its information weight
    content: list[tuple[tuple[str, ...], float]]
    pairs: list[tuple[tuple[str, ...], float]]
    #: word pairs that exist only through a known word read as a typo ("giá vàng" → "già làng"): they help
    #: the ranking but never make a question look like one about mediation
    guessed: frozenset[str] = frozenset()

    def in_domain(self, domain_pairs: frozenset[str]) -> bool:
        return any(t in domain_pairs and t not in self.guessed for t in self.terms)

    def coverage(self, entry_terms: frozenset[str]) -> tuple[float, float]:
        """Share of the query's content words and word pairs (by weight) that the entry contains."""

        def share(items: list[tuple[tuple[str, ...], float]]) -> float:
            total = sum(w for _, w in items)
            if total <= 0:
                return 0.0
            return sum(w for readings, w in items if any(r in entry_terms for r in readings)) / total

        return share(self.content), share(self.pairs)


@dataclass(frozen=True, slots=True)
class Hit:
    entry: Entry
    score: float


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    hits: tuple[Hit, ...]
    confidence: float
    confident: bool
    out_of_scope: bool

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None

    def as_json(self) -> dict:
        """The `mediator-bot ask --json` contract."""
        return {
            "query": self.query,
            "confident": self.confident,
            "results": [
                {
                    "id": h.entry.id,
                    "title": h.entry.title,
                    "score": float(h.score),
                    "source": h.entry.source.as_json() if h.entry.source.document else None,
                }
                for h in self.hits
            ],
        }


def intents_of(folded: str) -> frozenset[str]:
    """The kinds of answer a folded question asks for ("ai", "the nao", "bao lau"...)."""
    return frozenset(name for name, pattern in INTENTS.items() if pattern.search(folded))


_LEADING_ZEROS = re.compile(r"\b0+(?=\d)")


def numbers(folded: str) -> str:
    """Legal texts write "03 ngày", "06 tháng"; people type "3 ngay", "6 thang": one spelling for both."""
    return _LEADING_ZEROS.sub("", folded)


def facets_of(folded: str) -> frozenset[str]:
    """Who or what a folded text is about (team leader, parties, court) and whether rights or duties."""
    return frozenset(name for name, pattern in FACETS.items() if pattern.search(folded))


def _initialism(key: str, meaning: list[str]) -> bool:
    """Whether the key's letters are initials of the meaning: hgv (hoa giai vien), hgcs (hoa giai o co so)."""
    if " " in key or len(meaning) < 2:
        return False
    initials = iter(w[0] for w in meaning)
    return all(ch in initials for ch in key)


def _pairs(words: Sequence[str]) -> list[str]:
    return [f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)]


def _terms(phrase: str) -> list[str]:
    words = phrase.split()
    return words + _pairs(words)


class SearchIndex:
    """An immutable index over one version of the knowledge base; build once, query from any task."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.entries: list[Entry] = list(kb.entries)
        self.synonyms = kb.synonyms
        self._max_syn_words = max((len(k.split()) for k in self.synonyms), default=1)
        self._build()

    # --- building ---------------------------------------------------------------------------------------
    def _fields(self, entry: Entry) -> dict[str, list[str]]:
        return {
            "title": [numbers(fold(entry.title))],
            "questions": [numbers(fold(q)) for q in entry.questions],
            "asked": [numbers(fold(q)) for q in entry.also_asked],
            "keywords": [numbers(fold(k)) for k in entry.keywords],
            "synonyms": [numbers(fold(s)) for s in entry.synonyms],
            "tags": [t.replace("-", " ") for t in entry.tags],
            "answer": [numbers(fold(entry.answer))],
        }

    def _spell_chat_words(self, all_fields: list[dict[str, list[str]]]) -> None:
        """Spell out, in the phrasings (`questions`, `also_asked`), the chat abbreviations ("ko", "dc", "j",
        "ntn") that are no word of the entries' own text (title, answer, keywords, synonyms). A phrasing
        written the way people type ("to hoa giai co dc ko") is indexed as every question is read: otherwise
        such phrasings would make "dc" a word of the knowledge base and change how every question using it
        is read (see `_expand`)."""
        own: set[str] = set()
        for fields in all_fields:
            for name in ("title", "answer", "keywords", "synonyms"):
                for text in fields[name]:
                    own.update(text.split())
        chat = {
            key: " ".join(fold(meanings[0]).split())
            for key, meanings in self.synonyms.items()
            if " " not in key and key not in own and meanings
        }
        for fields in all_fields:
            for name in ("questions", "asked"):
                fields[name] = [" ".join(chat.get(w, w) for w in p.split()) for p in fields[name]]

    def _build(self) -> None:
        n = len(self.entries)
        field_tf: list[dict[str, dict[str, int]]] = []
        field_len: dict[str, list[int]] = {f: [] for f in FIELD_WEIGHTS}
        self.phrasings: list[list[str]] = []
        self.discount: list[list[float]] = []
        phrase_terms: list[list[frozenset[str]]] = []  # each phrasing's terms, for the phrasing features
        self.accented: list[frozenset[str]] = []
        self.intents: list[list[frozenset[str]]] = []
        self.facets: list[frozenset[str]] = []
        self.subjects: list[frozenset[str]] = []
        self.paperwork = [e.outside and PAPERWORK_TAG in e.tags for e in self.entries]
        self.story = [STORY_TAG in e.tags for e in self.entries]
        self.scope = [
            not e.outside and (unicodedata.normalize("NFC", e.source.document), e.source.article) in SCOPE
            for e in self.entries
        ]
        self.general_scope = frozenset(
            i
            for i, (s, e) in enumerate(zip(self.scope, self.entries, strict=True))
            if s and SCOPE_TAG in e.tags
        )
        self.recognition = [RECOGNITION_TAG in e.tags for e in self.entries]
        self.before_suit = [BEFORE_SUIT_TAG in e.tags for e in self.entries]
        self._article: list[tuple[str, int]] = []
        doc_freq: dict[str, int] = defaultdict(int)
        all_fields = [self._fields(entry) for entry in self.entries]
        self._spell_chat_words(all_fields)
        for entry, fields in zip(self.entries, all_fields, strict=True):
            per_field: dict[str, dict[str, int]] = {}
            seen: set[str] = set()
            for name, phrases in fields.items():
                tf: dict[str, int] = defaultdict(int)
                length = 0
                for phrase in phrases:
                    for term in _terms(phrase):
                        tf[term] += 1
                    length += len(phrase.split())
                per_field[name] = tf
                field_len[name].append(length)
                seen.update(tf)
            for term in seen:
                doc_freq[term] += 1
            field_tf.append(per_field)
            phrasings = [p for p in fields["title"] + fields["questions"] if p]
            asked = [p for p in fields["asked"] if p]
            # compared with the query by token_sort_ratio: kept with their words sorted, so that each search
            # sorts only the query (fuzz.ratio on sorted words is token_sort_ratio)
            self.phrasings.append([" ".join(sorted(p.split())) for p in phrasings + asked])
            self.discount.append([1.0] * len(phrasings) + [ASKED_DISCOUNT] * len(asked))
            phrase_terms.append([frozenset(_terms(p)) for p in phrasings + asked])
            self.intents.append([intents_of(p) for p in phrasings])
            self.facets.append(frozenset().union(*(facets_of(p) for p in phrasings)))
            court = {"court"} if RECOGNITION_TAG in entry.tags else set()  # titles rarely say "tòa"
            self.subjects.append(facets_of(fields["title"][0]) & SUBJECTS | court)
            self._article.append((unicodedata.normalize("NFC", entry.source.document), entry.source.article))
            self.accented.append(
                frozenset(
                    accented_words(
                        " ".join([entry.title, *entry.questions, *entry.keywords, *entry.synonyms])
                    )
                )
            )
        avg = {f: (sum(v) / len(v) if v else 1.0) or 1.0 for f, v in field_len.items()}
        self.idf: dict[str, float] = {
            t: math.log(1.0 + (n - df + 0.5) / (df + 0.5)) for t, df in doc_freq.items()
        }
        self.max_idf = math.log(1.0 + (n + 0.5) / 0.5) if n else 1.0
        #: IDF of a word found in at most RARE_DF entries
        self._rare_idf = math.log(1.0 + (n - RARE_DF + 0.5) / (RARE_DF + 0.5)) if n else 0.0
        # for the phrasing features, per entry: which of its phrasings hold each term, and each phrasing's
        # weight (its discount) over its total information
        self.phrase_index: list[dict[str, tuple[int, ...]]] = []
        self.phrase_scale: list[list[float]] = []
        for entry_terms, discount in zip(phrase_terms, self.discount, strict=True):
            holders: dict[str, list[int]] = defaultdict(list)
            for j, terms in enumerate(entry_terms):
                for term in terms:
                    holders[term].append(j)
            self.phrase_index.append({term: tuple(js) for term, js in holders.items()})
            self.phrase_scale.append(
                [
                    share / (sum(self.idf.get(t, 0.0) for t in terms) or 1.0)
                    for terms, share in zip(entry_terms, discount, strict=True)
                ]
            )
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        for i, per_field in enumerate(field_tf):
            combined: dict[str, float] = defaultdict(float)
            for name, tf in per_field.items():
                norm = 1.0 - FIELD_B[name] + FIELD_B[name] * field_len[name][i] / avg[name]
                weight = FIELD_WEIGHTS[name]
                for term, count in tf.items():
                    combined[term] += weight * count / norm
            for term, tfw in combined.items():
                postings[term][i] = self.idf[term] * tfw / (K1 + tfw)
        # impact-ordered postings, cut to the MAX_POSTINGS strongest: a very common word ("hoa giai") adds the
        # same little to every entry, so scoring its long tail costs time and changes nothing worth having
        # each as two arrays, the entries and their contributions, for one vectorised add per query term
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for t, p in postings.items():
            strongest = sorted(p.items(), key=lambda kv: -kv[1])[:MAX_POSTINGS]
            self.postings[t] = (
                np.array([i for i, _ in strongest], dtype=np.intp),
                np.array([c for _, c in strongest], dtype=np.float64),
            )
        self.entry_terms: list[frozenset[str]] = [frozenset(c) for c in self._entry_term_sets(field_tf)]
        self.words = sorted(t for t in self.postings if "_" not in t)
        self._word_set = frozenset(self.words)
        self._fuzzy_words = [w for w in self.words if len(w) >= 3 and not w.isdigit()]
        self._typo_cache: dict[str, tuple[str, ...]] = {}
        # word pairs common enough in the knowledge base to say "this question is about mediation"
        floor = max(3, int(DOMAIN_SHARE * n))
        self.domain_pairs = frozenset(
            t
            for t, df in doc_freq.items()
            if "_" in t and df >= floor and not all(w in STOPWORDS for w in t.split("_"))
        )

    @staticmethod
    def _entry_term_sets(field_tf: list[dict[str, dict[str, int]]]) -> list[set[str]]:
        # the evidence for confidence is the entry's own text: the ways people ask rank, they do not vouch
        return [
            set().union(*(tf for name, tf in per_field.items() if name != "asked" or not ASKED_ONLY_RANKS))
            for per_field in field_tf
        ]

    # --- query analysis ---------------------------------------------------------------------------------
    def _expand(self, words: list[str]) -> tuple[list[str], list[tuple[list[str], float]], list[str]]:
        """Replace chat abbreviations that are not real words; collect synonym phrases to add.

        Returns the normalised word sequence, extra phrases with their weights, and the words spelled out
        for comparing with the entries' phrasings: an initialism the knowledge base also uses ("hgv", "ubnd",
        "tt") stays a search term, but the phrasings write it in full ("hòa giải viên").
        """
        out: list[str] = []
        spelled: list[str] = []
        extra: list[tuple[list[str], float]] = []
        i = 0
        while i < len(words):
            for size in range(min(self._max_syn_words, len(words) - i), 0, -1):
                key = " ".join(words[i : i + size])
                meanings = self.synonyms.get(key)
                if not meanings:
                    continue
                folded = [fold(m).split() for m in meanings]
                known = size > 1 or key in self._word_set
                if not known:
                    # not a word of the knowledge base: read it as its (first) meaning
                    out.extend(folded[0])
                    spelled.extend(folded[0])
                    extra.extend((m, 0.6) for m in folded[1:])
                else:
                    out.extend(words[i : i + size])
                    spelled.extend(folded[0] if _initialism(key, folded[0]) else words[i : i + size])
                    extra.extend((m, 0.6) for m in folded)
                i += size
                break
            else:
                out.append(words[i])
                spelled.append(words[i])
                i += 1
        return out, extra, spelled

    def _typo_candidates(self, word: str) -> tuple[str, ...]:
        cached = self._typo_cache.get(word)
        if cached is not None:
            return cached
        found: tuple[str, ...] = ()
        if len(word) >= 3 and not word.isdigit():
            limit = 1 if len(word) <= 5 else 2
            matches = process.extract(
                word, self._fuzzy_words, scorer=OSA.distance, score_cutoff=limit, limit=12
            )
            if matches:
                best = min(m[1] for m in matches)
                same = [m[0] for m in matches if m[1] == best]
                # the most frequent readings first (a typo of a common word is likelier)
                same.sort(key=lambda w: (self.idf.get(w, 0.0), w))
                found = tuple(same[:4])
        if len(self._typo_cache) < 20000:
            self._typo_cache[word] = found
        return found

    def _near_words(self, word: str) -> tuple[str, ...]:
        """Vocabulary words one edit away from a known word ("loa" → "lao", "hoa"): a typo that happens to
        spell another syllable, read as such only when it makes a word pair the knowledge base uses."""
        key = "\x00" + word
        cached = self._typo_cache.get(key)
        if cached is not None:
            return cached
        matches = process.extract(word, self._fuzzy_words, scorer=OSA.distance, score_cutoff=1, limit=None)
        found = tuple(m[0] for m in matches if m[1] == 1)
        if len(self._typo_cache) < 20000:
            self._typo_cache[key] = found
        return found

    def _valid_typos(
        self, words: list[str], slots: list[tuple[str, ...]], marked: frozenset[str] = frozenset()
    ) -> None:
        """A known word that makes no known pair with either neighbour, while a word one edit away does
        ("nhan thu loa" → "thu lao"), gets that word as a second reading. Syllables are short: a village typo
        often spells another real syllable, which the out-of-vocabulary correction never sees."""
        postings, rare = self.postings, self._rare_idf
        for i, w in enumerate(words):
            if len(slots[i]) != 1 or len(w) < 3 or w.isdigit() or w in STOPWORDS or w not in self._word_set:
                continue
            if w in marked:  # typed with its tone marks: meant as typed
                continue
            if self.idf[w] < rare:  # a word many entries use is meant as typed
                continue
            before = slots[i - 1] if i else ()
            after = slots[i + 1] if i + 1 < len(slots) else ()
            if not before and not after:
                continue
            if any(f"{b}_{w}" in postings for b in before) or any(f"{w}_{a}" in postings for a in after):
                continue
            fits = []
            for c in self._near_words(w):
                made = [f"{b}_{c}" for b in before] + [f"{c}_{a}" for a in after]
                found = [self.idf[t] for t in made if t in postings]
                if found:
                    fits.append((min(found), c))
            if fits:
                # the commonest pair first: a typo of a frequent phrase ("thu lao") is likelier
                fits.sort()
                slots[i] = (w, *(c for _, c in fits[:2]))

    def analyse(self, query: str) -> Analysis:
        """The weighted query terms, and the content words and word pairs used to judge the evidence."""
        words = numbers(fold(query[:MAX_QUERY_CHARS])).split()[:MAX_QUERY_WORDS]
        while len(words) > 1 and words[-1] in FINAL_PARTICLES:
            words = words[:-1]  # "… là gì vậy": the closing particle, not "vay" (borrow)
        words, extra, spelled = self._expand(words)
        terms: dict[str, float] = {}

        def add(term: str, weight: float) -> None:
            if weight > terms.get(term, 0.0):
                terms[term] = weight

        # every position holds one or more readings (the word itself, or typo corrections)
        slots: list[tuple[str, ...]] = []
        for w in words:
            if w in self._word_set or len(w) < 3 or w.isdigit():
                slots.append((w,))
            else:
                readings = self._typo_candidates(w)
                if TYPO_NOT_STOP:
                    # a typed content word is not read as a stop word ("nấu" is not "nào")
                    readings = tuple(c for c in readings if c not in STOPWORDS)
                slots.append(readings or (w,))
        typed = list(words)
        if VALID_TYPOS:
            self._valid_typos(words, slots, self._marked_forms(query) if ACCENTED_AS_TYPED else frozenset())
        guessed: set[str] = set()
        content: list[tuple[tuple[str, ...], float]] = []
        for w, readings in zip(words, slots, strict=True):
            stop = w in STOPWORDS
            base = STOP_WEIGHT if stop else 1.0
            share = base if len(readings) == 1 else base * 0.8 / len(readings) ** 0.5
            for r in readings:
                if r in self.postings:
                    add(r, share)
            if not stop:
                content.append((readings, max(self.idf.get(r, self.max_idf) for r in readings)))
        pairs: list[tuple[tuple[str, ...], float]] = []
        for i in range(len(words) - 1):
            stops = (words[i] in STOPWORDS) + (words[i + 1] in STOPWORDS)  # 0, 1 or 2 stop words
            base = PAIR_WEIGHT * PAIR_STOP_WEIGHTS[stops]
            found = tuple(f"{x}_{y}" for x in slots[i] for y in slots[i + 1] if f"{x}_{y}" in self.postings)
            for pair in found:
                add(pair, base)
                x, y = pair.split("_")
                if (x != typed[i] and slots[i][0] == typed[i]) or (
                    y != typed[i + 1] and slots[i + 1][0] == typed[i + 1]
                ):
                    guessed.add(pair)  # a reading added to a known word, not the word as typed
            if stops < 2:
                # an unseen pair weighs like a rare one: something the knowledge base does not talk about
                weight = max((self.idf[p] for p in found), default=self.max_idf * 0.5)
                pairs.append((found, weight * (1.0 if stops == 0 else 0.5)))
        for phrase, weight in extra:
            for term in _terms(" ".join(phrase)):
                if term in self.postings:
                    add(term, weight * (STOP_WEIGHT if term in STOPWORDS else 1.0))
        return Analysis(
            terms=terms, text=" ".join(spelled), content=content, pairs=pairs, guessed=frozenset(guessed)
        )

    # --- searching --------------------------------------------------------------------------------------
    def search(self, query: str, k: int = 3) -> SearchResult:
        analysis = self.analyse(query or "")
        terms = analysis.terms
        if QUESTION_BOOST:
            clauses = [f for c in CLAUSES.split(query[:MAX_QUERY_CHARS]) if (f := fold(c).split())]
            if len(clauses) > 1:
                last = set(clauses[-1])
                terms = {
                    t: w * (1.0 + QUESTION_BOOST) if all(x in last for x in t.split("_")) else w
                    for t, w in terms.items()
                }
        # BM25F: each term adds its weight times its postings, in one vectorised step per term
        scores = np.zeros(len(self.entries))
        for term, weight in terms.items():
            entries, contributions = self.postings[term]
            scores[entries] += weight * contributions
        scored = np.flatnonzero(scores)
        if not scored.size:
            return SearchResult(query=query, hits=(), confidence=0.0, confident=False, out_of_scope=True)
        if scored.size > FUZZY_CANDIDATES:
            scored = scored[np.argpartition(-scores[scored], FUZZY_CANDIDATES - 1)[:FUZZY_CANDIDATES]]
        top = sorted(((int(i), float(scores[i])) for i in scored), key=lambda kv: (-kv[1], kv[0]))
        can = bool(
            (STORY_PENALTY or SCOPE_BOOST)
            and CAN_MEDIATE.search(analysis.text)
            and not CAN_MEDIATE_NOT.search(analysis.text)
        )
        helped = bool(
            HELP_PENALTY and PARTY_HELP.search(analysis.text) and not MEDIATOR_SELF.search(analysis.text)
        )
        # the entries the rule below may lift are scored even when their words put them outside the candidates
        ruled = self.general_scope if can and SCOPE_GENERAL_BOOST else frozenset()
        have = {i for i, _ in top}
        top += [(i, float(scores[i])) for i in sorted(ruled - have)]
        best_lex = top[0][1]
        # fuzzy similarity of the query to every phrasing of the candidates, in one call into rapidfuzz
        owners: list[int] = []
        flat: list[str] = []
        scale: list[float] = []
        for rank, (i, _) in enumerate(top):
            owners.extend([rank] * len(self.phrasings[i]))
            flat.extend(self.phrasings[i])
            scale.extend(self.discount[i])
        fuzzy = [0.0] * len(top)
        sorted_query = " ".join(sorted(analysis.text.split()))
        for _, value, j in process.extract(sorted_query, flat, scorer=fuzz.ratio, limit=None):
            rank = owners[j]
            value *= scale[j]
            if value > fuzzy[rank]:
                fuzzy[rank] = value
        # the query's information per term (its weight in the query times its IDF), for phrasing coverage
        info = {t: w * self.idf[t] for t, w in analysis.terms.items()}
        query_terms = frozenset(info)
        total_info = sum(info.values()) or 1.0
        marks = self._marked(query)
        total_marks = sum(marks.values())
        idf = self.idf
        asked = intents_of(analysis.text) if INTENT_WEIGHT else frozenset()
        about = facets_of(analysis.text) if FACET_WEIGHT else frozenset()
        mediation = bool(OUTSIDE_PENALTY and MEDIATION_ASKED.search(analysis.text))
        whether = bool(PAPERWORK_PENALTY and WHETHER_MEDIABLE.search(analysis.text))
        failed = bool(FAILED_PENALTY and FAILED_ASKED.search(analysis.text))
        named = (
            [d for d, pattern in NAMED_DOCUMENTS.items() if pattern.search(analysis.text)]
            if DOC_PENALTY
            else []
        )
        named_doc = named[0] if len(named) == 1 else None
        weights = (
            LEX_WEIGHT
            + FUZZ_WEIGHT
            + PHRASE_WEIGHT
            + PHRASE_PREC_WEIGHT
            + (ACCENT_WEIGHT if marks else 0.0)
            + (INTENT_WEIGHT if asked else 0.0)
            + (FACET_WEIGHT if about else 0.0)
        )
        ranked = []
        for rank, (i, lex) in enumerate(top):
            fz = fuzzy[rank] / 100.0
            score = LEX_WEIGHT * lex / best_lex + FUZZ_WEIGHT * fz
            if PHRASE_WEIGHT or PHRASE_PREC_WEIGHT:
                # per phrasing, the information of the query terms it holds (one pass over the query's terms)
                holders = self.phrase_index[i]
                got: dict[int, float] = {}
                got_info: dict[int, float] = {}
                for term in query_terms:
                    for j in holders.get(term, ()):
                        got[j] = got.get(j, 0.0) + idf[term]
                        if PHRASE_WEIGHT:
                            got_info[j] = got_info.get(j, 0.0) + info[term]
                if got:
                    scale, share = self.phrase_scale[i], self.discount[i]
                    precision = max(v * scale[j] for j, v in got.items())
                    cover = max(v * share[j] for j, v in got_info.items()) / total_info if got_info else 0.0
                    score += PHRASE_WEIGHT * cover + PHRASE_PREC_WEIGHT * precision
            if marks and ACCENT_WEIGHT:
                spelled = self.accented[i]
                score += ACCENT_WEIGHT * sum(w for word, w in marks.items() if word in spelled) / total_marks
            if asked:
                kinds = self.intents[i]
                score += INTENT_WEIGHT * sum(1 for k in kinds if k & asked) / len(kinds)
            if about:
                score += FACET_WEIGHT * len(about & self.facets[i]) / len(about)
            if SUBJECT_PENALTY and self.subjects[i] and not self.subjects[i] & about:
                score -= SUBJECT_PENALTY
            if mediation and self.entries[i].outside:
                score -= OUTSIDE_PENALTY
            if whether and self.paperwork[i]:
                score -= PAPERWORK_PENALTY
            if named_doc and self._article[i][0] != named_doc:
                score -= DOC_PENALTY
            elif LAW_PRIOR and not named_doc and self._article[i][0] in IMPLEMENTING:
                score -= LAW_PRIOR
            if failed and self.recognition[i]:
                score -= FAILED_PENALTY
            if failed and self.before_suit[i]:
                score -= BEFORE_SUIT_PENALTY
            if can and self.story[i]:
                score -= STORY_PENALTY
            elif helped and self.story[i]:
                score -= HELP_PENALTY
            if can and self.scope[i]:
                score += SCOPE_BOOST
            ranked.append((score / weights, i, fz))
        if can and SCOPE_GENERAL_BOOST and self.story[max(ranked)[1]]:
            # the best general scope entry leads (one: they say the same thing), the story comes next
            rule = max((r for r in ranked if r[1] in self.general_scope), default=None)
            if rule is not None:
                lift = SCOPE_GENERAL_BOOST / weights
                ranked = [(s + lift, i, f) if i == rule[1] else (s, i, f) for s, i, f in ranked]
        own = {i: score for score, i, _ in ranked}  # before article-level evidence: the margins use these
        if ARTICLE_WEIGHT:
            ranked = self._article_evidence(ranked)
        ranked.sort(key=lambda r: (-r[0], r[1]))
        _, first, fz = ranked[0]
        # the runner-up is the best entry on ANOTHER provision: several entries on one article agreeing with
        # each other is not doubt about the answer
        cited = self._article[first]
        other = next((r for r in ranked[1:] if self._article[r[1]] != cited), None)
        best, runner = own[first], (own[other[1]] if other else 0.0)
        words, pairs = analysis.coverage(self.entry_terms[first])
        confidence = self.confidence(
            fz=fz, words=words, pairs=pairs, margin=best - runner, n_pairs=len(analysis.pairs)
        )
        exact = fz >= EXACT_FUZZ
        close = best - runner < MIN_MARGIN and not exact
        disagree = cited not in {self._article[i] for i, _ in top[:DISAGREEMENT_TOP]}
        if (disagree and not (exact and EXACT_OVERRIDES)) or close:
            # the word evidence alone (BM25F) points at another provision than the re-ranked answer, or
            # another provision scores almost as well: on phrasings the index has not seen, such answers are
            # wrong far more often than the others — not confident
            confidence = min(confidence, DISAGREEMENT_CAP)
        elif other and best - runner < RELATED_MARGIN and fz < EXACT_FUZZ and self._related(first, other[1]):
            # the runner-up is a neighbouring provision the knowledge base itself links to the answer (the law
            # and the decree on remuneration, the court's conditions and procedure): it needs a clearer lead
            confidence = min(confidence, DISAGREEMENT_CAP)
        if STORY_CAP and self.story[first] and (can or (asked and not asked & STORY_SURE)):
            confidence = min(confidence, DISAGREEMENT_CAP)
        if DOMAIN_CAP and not analysis.in_domain(self.domain_pairs):
            confidence = min(confidence, DISAGREEMENT_CAP)
        if DIVERSE:
            # the suggestions cover different provisions first: three entries on one article give the asker
            # one answer three times, three provisions give three chances to find the right one
            seen: set[tuple[str, int]] = set()
            fresh: list[tuple[float, int, float]] = []
            again: list[tuple[float, int, float]] = []
            for item in ranked:
                (again if self._article[item[1]] in seen else fresh).append(item)
                seen.add(self._article[item[1]])
            ranked = [ranked[0]] + [r for r in fresh + again if r is not ranked[0]]
        if can and SCOPE_BOTH and len(ranked) > 3:
            # whether a matter may be mediated is answered by the Law (Điều 3) and detailed by the decree
            # (Điều 5): when the first three suggestions hold one of the two, the other takes the place of the
            # last suggestion on neither
            shown = [self._article[i] for _, i, _ in ranked[:3]]
            missing = [a for a in SCOPE if a not in shown]
            spare = [n for n in (2, 1) if shown[n] not in SCOPE]
            if len(missing) == 1 and spare:  # one of the two shown (SCOPE holds two)
                other = next((r for r in ranked[3:] if self._article[r[1]] == missing[0]), None)
                if other is not None:
                    head = ranked[:3]
                    dropped, head[spare[0]] = head[spare[0]], other
                    ranked = head + [dropped] + [r for r in ranked[3:] if r is not other]
        hits = tuple(Hit(self.entries[i], round(s, 4)) for s, i, _ in ranked[: max(k, 1)])
        return SearchResult(
            query=query,
            hits=hits,
            confidence=round(confidence, 4),
            confident=confidence >= CONFIDENT,
            out_of_scope=confidence < CONFIDENT and not analysis.in_domain(self.domain_pairs),
        )

    def _article_evidence(self, ranked: list[tuple[float, int, float]]) -> list[tuple[float, int, float]]:
        """Each candidate plus ARTICLE_WEIGHT times the best other candidate on the same provision."""
        best: dict[tuple[str, int], list[float]] = defaultdict(list)
        for score, i, _ in ranked:
            best[self._article[i]].append(score)
        for scores in best.values():
            scores.sort(reverse=True)
        out = []
        for score, i, fz in ranked:
            scores = best[self._article[i]]
            if scores[0] != score:
                other = scores[0]
            else:
                other = scores[1] if len(scores) > 1 else 0.0
            out.append((score + ARTICLE_WEIGHT * other, i, fz))
        return out

    def _related(self, a: int, b: int) -> bool:
        """Whether either entry lists the other as related."""
        ea, eb = self.entries[a], self.entries[b]
        return eb.id in ea.related or ea.id in eb.related

    @staticmethod
    def _marked_forms(query: str) -> frozenset[str]:
        """Folded forms of the words typed with diacritics."""
        out = set()
        for word in accented_words(query[:MAX_QUERY_CHARS]):
            folded = fold(word)
            if folded != word and " " not in folded:
                out.add(folded)
        return frozenset(out)

    def _marked(self, query: str) -> dict[str, float]:
        """The query's words written with diacritics, each with the IDF of its folded form."""
        out: dict[str, float] = {}
        for word in accented_words(query[:MAX_QUERY_CHARS]):
            folded = fold(word)
            if folded != word and folded not in STOPWORDS:
                out[word] = self.idf.get(folded, self.max_idf)
        return out

    @staticmethod
    def confidence(*, fz: float, words: float, pairs: float, margin: float, n_pairs: int) -> float:
        """Evidence → 0–1 (logistic). A question whose word pairs the best entry never uses is not answered
        with confidence, however many single words match: that is how out-of-scope questions look."""
        if n_pairs == 0:  # a single content word: only a near-exact phrasing counts
            pairs = words if fz >= 0.8 else 0.0
        z = -7.0 + 5.0 * fz + 4.0 * pairs + 2.0 * words + 6.0 * margin
        return 1.0 / (1.0 + math.exp(-z))

    def related(self, entry: Entry) -> list[Entry]:
        return [e for e in (self.kb.get(r) for r in entry.related) if e is not None]
