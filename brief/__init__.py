"""Trainers' handouts: a topic in, a cited DOCX or Markdown document out, built only from the index."""
