"""Text before the model: normalisation with offsets, the jieba tokenizer with the domain lexicon."""
