"""The writing templates, tones, lengths, refinements and starter prompts of the generate page.

The page renders this catalog (``catalog()``, as JSON) and static/js/generate.js composes the prompt
from it in the textarea, where the writer sees and can edit exactly what the model will read:
the template's instruction, one line per filled field, then the tone and length lines. Nothing here
is enforced server-side: a prompt is a prompt, whatever wrote it.
"""

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    line: str  # how a filled field reads in the prompt; {value} is what the writer typed
    placeholder: str = ""
    multiline: bool = False


@dataclass(frozen=True)
class PromptTemplate:
    key: str
    name: str
    instruction: str
    fields: tuple[Field, ...] = field(default_factory=tuple)


BLANK = "blank"

TEMPLATES = (
    PromptTemplate(BLANK, "Blank prompt", ""),
    PromptTemplate(
        "email",
        "Email",
        "Write an email.",
        (
            Field("recipient", "To whom", "It is for: {value}.", "e.g. customers who signed up last week"),
            Field("purpose", "What it is about", "It is about: {value}.", "e.g. our new opening hours"),
            Field("points", "Points to include", "Include these points: {value}", "One per line", multiline=True),
        ),
    ),
    PromptTemplate(
        "blog_post",
        "Blog post",
        "Write a blog post with a title, short sections with headings, and a conclusion.",
        (
            Field("topic", "Topic", "The topic: {value}.", "e.g. how we cut our delivery times in half"),
            Field("audience", "Readers", "Written for: {value}.", "e.g. small shop owners"),
            Field("keywords", "Keywords", "Work in these keywords: {value}.", "e.g. same-day delivery"),
        ),
    ),
    PromptTemplate(
        "linkedin_post",
        "LinkedIn post",
        "Write a LinkedIn post: a strong first line, short paragraphs, and a question or call to action at the end.",
        (
            Field("topic", "What happened", "About: {value}.", "e.g. we hired our tenth engineer"),
            Field("takeaway", "The takeaway", "The lesson for readers: {value}.", "e.g. hire for curiosity"),
        ),
    ),
    PromptTemplate(
        "product_description",
        "Product description",
        "Write a product description for an online shop, with a short list of key features.",
        (
            Field("product", "Product", "The product: {value}.", "e.g. a hand-thrown stoneware mug, 350 ml"),
            Field("buyer", "Who buys it", "For: {value}.", "e.g. coffee lovers who want a gift"),
            Field("features", "Features", "Features to mention: {value}", "One per line", multiline=True),
        ),
    ),
    PromptTemplate(
        "rewrite",
        "Rewrite or summarise",
        "Rewrite the text below so it reads clearly, keeping its meaning.",
        (
            Field("goal", "What to do", "{value}", "e.g. Summarise it in three bullet points"),
            Field("text", "Your text", "Text:\n{value}", "Paste the text here", multiline=True),
        ),
    ),
)

TONES = (
    ("", "Any tone"),
    ("friendly", "Friendly"),
    ("professional", "Professional"),
    ("persuasive", "Persuasive"),
    ("playful", "Playful"),
    ("formal", "Formal"),
)
TONE_LINE = "Tone: {value}."

LENGTHS = (
    ("", "Any length"),
    ("about 50 words", "Short (about 50 words)"),
    ("about 150 words", "Medium (about 150 words)"),
    ("about 400 words", "Long (about 400 words)"),
)
LENGTH_LINE = "Length: {value}."

# Refinements of the last answer: sent as the prompt with "parent" set to that answer's generation.
REFINEMENTS = (
    ("Shorter", "Make it shorter: keep the main points and cut the rest."),
    ("Longer", "Make it longer: add detail and an example, in the same style."),
    ("More formal", "Rewrite it in a more formal, professional tone."),
    ("Friendlier", "Rewrite it in a warmer, friendlier tone."),
    ("Continue", "Continue writing from where it ends, in the same style."),
)

# Shown to someone with no generations yet: one click fills the prompt.
STARTERS = (
    "A friendly email telling customers about our new opening hours",
    "Three subject lines for our spring sale newsletter",
    "A LinkedIn post announcing that we are hiring a designer",
    "A 100-word product description for a handmade leather notebook",
)


def catalog() -> dict:
    """Everything the generate page's script needs to compose a prompt, for ``json_script``."""
    return {
        "templates": {template.key: asdict(template) for template in TEMPLATES},
        "toneLine": TONE_LINE,
        "lengthLine": LENGTH_LINE,
    }
