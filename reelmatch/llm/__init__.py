"""The OpenAI client wrapper: prompts, structured output, cost accounting."""
