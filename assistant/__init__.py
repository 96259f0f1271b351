"""adguide assistant package.

Importing it never imports chromadb or langchain_openai: those load on first index use.
"""

from .answer import PassageAnswer
from .concepts import ConceptHit, ConceptMatcher, get_concept_matcher
from .conversation import Conversation, Turn
from .embedding import LexicalEmbedder, get_embedding_function
from .errors import AssistantError, RetrievalError, VocabularyError
from .extract import Extraction, Intent, extract
from .passage_answer import LeadNumberError, passage_answers, render_passage_answers
from .retrieval import Retrieval, RetrievedPassage, Retriever, get_retriever

__all__: list[str] = [
    "AssistantError",
    "ConceptHit",
    "ConceptMatcher",
    "LeadNumberError",
    "PassageAnswer",
    "get_concept_matcher",
    "passage_answers",
    "render_passage_answers",
    "Conversation",
    "Extraction",
    "Intent",
    "LexicalEmbedder",
    "Retrieval",
    "RetrievalError",
    "VocabularyError",
    "RetrievedPassage",
    "Retriever",
    "Turn",
    "extract",
    "get_embedding_function",
    "get_retriever",
]
