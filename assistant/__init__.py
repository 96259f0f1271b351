"""adguide assistant package.

Importing it never imports chromadb or langchain_openai: those load on first index use.
"""

from .conversation import Conversation, Turn
from .embedding import LexicalEmbedder, get_embedding_function
from .errors import AssistantError, RetrievalError, VocabularyError
from .extract import Extraction, Intent, extract
from .retrieval import Retrieval, RetrievedPassage, Retriever, get_retriever

__all__: list[str] = [
    "AssistantError",
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
