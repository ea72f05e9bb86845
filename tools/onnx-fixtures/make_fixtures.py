#!/usr/bin/python3
"""Makes the ONNX import fixtures: two small sentiment networks trained by PyTorch on a slice of IMDB,
exported with torch.onnx.export, with a tokenizer.json in Keras's Tokenizer.to_json() format.

Run with Debian's python (python3-torch 1.13, python3-onnx 1.12): /usr/bin/python3 make_fixtures.py
[--data /work/shared/data/imdb] [--out ../../sentiment-cli/src/test/resources/onnx-import]. The tests never
run it; they read what it wrote.

Keras is not installable on the development machine, so this script carries its own tokenizer with Keras
semantics (text_to_word_sequence, fit_on_texts, texts_to_sequences, pad_sequences, to_json), written from
Keras 2.x's keras_preprocessing/text.py and sequence.py; the JSON it writes is what Tokenizer.to_json()
writes (maps as JSON strings inside the JSON), so tokenizer_from_json reads it back.

Outputs, per model (bilstm, gru): NAME.onnx and NAME-expected.tsv (for EXAMPLES test reviews: PyTorch's
own P(positive) for its own token ids, the ids, the text), plus the shared tokenizer.json.gz (gzipped to keep
the fixture small; ./sentiment import reads .gz directly).
"""
import argparse
import collections
import gzip
import hashlib
import json
import os
import random
import time

import torch
import torch.nn as nn

SEED = 20261204
NUM_WORDS = 3000
OOV = "<OOV>"
MAXLEN = 200
TRAIN_REVIEWS = 4000
TOKENIZER_REVIEWS = 2000  # the tokenizer is fitted on the first half only, to keep tokenizer.json.gz small
EXAMPLES = 50
FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
STEPS = 240  # batches of 64 (about 4 epochs of the slice); a fixed count keeps the run reproducible


# ---- Keras Tokenizer semantics -------------------------------------------------------------------
def text_to_word_sequence(text, filters=FILTERS, lower=True, split=" "):
    if lower:
        text = text.lower()
    text = text.translate(str.maketrans({c: split for c in filters}))
    return [w for w in text.split(split) if w]


class KerasTokenizer:
    def __init__(self, num_words=None, filters=FILTERS, lower=True, split=" ", oov_token=None):
        self.num_words, self.filters, self.lower, self.split = num_words, filters, lower, split
        self.oov_token = oov_token
        self.word_counts = collections.OrderedDict()
        self.word_docs = collections.defaultdict(int)
        self.index_docs = collections.defaultdict(int)
        self.document_count = 0
        self.word_index = {}
        self.index_word = {}

    def fit_on_texts(self, texts):
        for text in texts:
            self.document_count += 1
            seq = text_to_word_sequence(text, self.filters, self.lower, self.split)
            for w in seq:
                self.word_counts[w] = self.word_counts.get(w, 0) + 1
            for w in set(seq):
                self.word_docs[w] += 1
        wcounts = sorted(self.word_counts.items(), key=lambda x: x[1], reverse=True)  # stable, as Keras
        sorted_voc = ([self.oov_token] if self.oov_token is not None else []) + [wc[0] for wc in wcounts]
        self.word_index = dict(zip(sorted_voc, range(1, len(sorted_voc) + 1)))
        self.index_word = {c: w for w, c in self.word_index.items()}
        for w, c in list(self.word_docs.items()):
            self.index_docs[self.word_index[w]] = c

    def texts_to_sequences(self, texts):
        oov_index = self.word_index.get(self.oov_token)
        out = []
        for text in texts:
            vect = []
            for w in text_to_word_sequence(text, self.filters, self.lower, self.split):
                i = self.word_index.get(w)
                if i is not None:
                    if self.num_words and i >= self.num_words:
                        if oov_index is not None:
                            vect.append(oov_index)
                    else:
                        vect.append(i)
                elif self.oov_token is not None:
                    vect.append(oov_index)
            out.append(vect)
        return out

    def to_json(self):
        config = {
            "num_words": self.num_words, "filters": self.filters, "lower": self.lower, "split": self.split,
            "char_level": False, "oov_token": self.oov_token, "document_count": self.document_count,
            "word_counts": json.dumps(self.word_counts), "word_docs": json.dumps(self.word_docs),
            "index_docs": json.dumps(self.index_docs), "index_word": json.dumps(self.index_word),
            "word_index": json.dumps(self.word_index),
        }
        return json.dumps({"class_name": "Tokenizer", "config": config})


def pad_sequences(seqs, maxlen, padding="pre", truncating="pre"):
    out = []
    for s in seqs:
        s = s[-maxlen:] if truncating == "pre" else s[:maxlen]
        pad = [0] * (maxlen - len(s))
        out.append(pad + s if padding == "pre" else s + pad)
    return out


# ---- networks ------------------------------------------------------------------------------------
class BiLstmMax(nn.Module):
    """embedding -> BiLSTM(32) -> max over time -> dense 16 relu -> dense 1 -> sigmoid."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(NUM_WORDS, 32)
        self.rnn = nn.LSTM(32, 32, batch_first=True, bidirectional=True)
        self.hidden = nn.Linear(64, 16)
        self.out = nn.Linear(16, 1)

    def forward(self, ids):
        y, _ = self.rnn(self.emb(ids))
        pooled = torch.max(y, dim=1).values
        return torch.sigmoid(self.out(torch.relu(self.hidden(pooled))))


class GruLast(nn.Module):
    """embedding -> GRU(32) -> GRU(32) (two layers) -> last time step -> dense 2 -> softmax."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(NUM_WORDS, 32)
        self.rnn = nn.GRU(32, 32, num_layers=2, batch_first=True)
        self.out = nn.Linear(32, 2)

    def forward(self, ids):
        y, _ = self.rnn(self.emb(ids))
        return torch.softmax(self.out(y[:, -1, :]), dim=1)


def p_positive(model, x):
    p = model(x)
    return p[:, 0] if p.shape[1] == 1 else p[:, 1]


def train(model, x, y, steps):
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    start, step = time.time(), 0
    model.train()
    while step < steps:
        perm = torch.randperm(len(x))
        for b in range(0, len(x), 64):
            idx = perm[b:b + 64]
            p = p_positive(model, x[idx]).clamp(1e-6, 1 - 1e-6)
            loss = nn.functional.binary_cross_entropy(p, y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            if step >= steps:
                break
    model.eval()
    return time.time() - start


def read(path):
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        next(f)
        for line in f:
            label, text, _ = line.rstrip("\n").split("\t")
            rows.append((int(label), text))
    return rows


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/work/shared/data/imdb")
    ap.add_argument("--out", default=os.path.join(here, "../../sentiment-cli/src/test/resources/onnx-import"))
    args = ap.parse_args()
    random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    train_rows = read(os.path.join(args.data, "train.tsv.gz"))
    random.shuffle(train_rows)
    train_rows = train_rows[:TRAIN_REVIEWS]
    test_rows = read(os.path.join(args.data, "test.tsv.gz"))
    random.shuffle(test_rows)
    test_rows = test_rows[:1000]

    tok = KerasTokenizer(num_words=NUM_WORDS, oov_token=OOV)
    tok.fit_on_texts([t for _, t in train_rows[:TOKENIZER_REVIEWS]])
    with gzip.open(os.path.join(args.out, "tokenizer.json.gz"), "wt", encoding="utf-8") as f:
        f.write(tok.to_json())
    x = torch.tensor(pad_sequences(tok.texts_to_sequences([t for _, t in train_rows]), MAXLEN), dtype=torch.long)
    y = torch.tensor([float(l) for l, _ in train_rows])
    xt = torch.tensor(pad_sequences(tok.texts_to_sequences([t for _, t in test_rows]), MAXLEN), dtype=torch.long)
    yt = torch.tensor([float(l) for l, _ in test_rows])

    for name, model in (("bilstm", BiLstmMax()), ("gru", GruLast())):
        seconds = train(model, x, y, STEPS)
        with torch.no_grad():
            acc = ((p_positive(model, xt) > 0.5).float() == yt).float().mean().item()
            path = os.path.join(args.out, name + ".onnx")
            torch.onnx.export(model, x[:2], path, input_names=["input_ids"], output_names=["probabilities"],
                              dynamic_axes={"input_ids": {0: "batch"}, "probabilities": {0: "batch"}},
                              opset_version=13)
            ex_ids = xt[:EXAMPLES]
            probs = p_positive(model, ex_ids)
            with open(os.path.join(args.out, name + "-expected.tsv"), "w", encoding="utf-8") as f:
                f.write("# PyTorch %s P(positive) for its own ids (Keras-semantics tokenizer, maxlen %d, pre/pre);"
                        " prob TAB ids TAB text\n" % (torch.__version__, MAXLEN))
                for i in range(EXAMPLES):
                    ids = " ".join(str(int(v)) for v in ex_ids[i] if int(v) != 0)
                    f.write("%r\t%s\t%s\n" % (float(probs[i]), ids, test_rows[i][1]))
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        print("%s: %d steps in %.0f s, accuracy %.4f on %d test reviews, %d bytes, sha256 %s"
              % (name, STEPS, seconds, acc, len(test_rows), os.path.getsize(path), digest))


if __name__ == "__main__":
    main()
