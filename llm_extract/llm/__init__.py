"""The language-model layer: the OpenAI-compatible client with typed (instructor) and streamed
calls, its response cache, the prompt templates, the embedded model's weights, its llama.cpp
server (run under a guard process), the runtime build check and the status/smoke check.
May import: ``core``.
"""
