/* tree.c — an ordered set of intrusive nodes: a treap with subtree sizes
 * and weight sums, so rank, select and weighted select are O(log n). */
#include "acd_int.h"

/*
 * Node priorities come from a splitmix64 stream private to each tree, so
 * the shape (and the cost) is deterministic and does not depend on the
 * engine's random strategies. Expected depth is O(log n) whatever the
 * insertion order. Recursion depth is the tree depth.
 */

uint64_t acd_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

int tree_keycmp(const int64_t a[3], const int64_t b[3])
{
	for (int i = 0; i < 3; i++) {
		if (a[i] < b[i])
			return -1;
		if (a[i] > b[i])
			return 1;
	}
	return 0;
}

static uint32_t size_of(const struct tnode *n)
{
	return n ? n->size : 0;
}

static uint64_t wsum_of(const struct tnode *n)
{
	return n ? n->wsum : 0;
}

static void update(struct tnode *n)
{
	n->size = 1 + size_of(n->l) + size_of(n->r);
	n->wsum = n->w + wsum_of(n->l) + wsum_of(n->r);
}

static struct tnode *rot_right(struct tnode *t)
{
	struct tnode *l = t->l;

	t->l = l->r;
	l->r = t;
	update(t);
	update(l);
	return l;
}

static struct tnode *rot_left(struct tnode *t)
{
	struct tnode *r = t->r;

	t->r = r->l;
	r->l = t;
	update(t);
	update(r);
	return r;
}

static struct tnode *insert(struct tnode *t, struct tnode *n)
{
	if (!t)
		return n;
	if (tree_keycmp(n->k, t->k) < 0) {
		t->l = insert(t->l, n);
		update(t);
		if (t->l->prio > t->prio)
			t = rot_right(t);
	}
	else {
		t->r = insert(t->r, n);
		update(t);
		if (t->r->prio > t->prio)
			t = rot_left(t);
	}
	return t;
}

static struct tnode *merge(struct tnode *a, struct tnode *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	if (a->prio > b->prio) {
		a->r = merge(a->r, b);
		update(a);
		return a;
	}
	b->l = merge(a, b->l);
	update(b);
	return b;
}

static struct tnode *erase(struct tnode *t, const struct tnode *n)
{
	int c;

	if (!t)
		return NULL;
	c = tree_keycmp(n->k, t->k);
	if (c < 0)
		t->l = erase(t->l, n);
	else if (c > 0)
		t->r = erase(t->r, n);
	else
		return merge(t->l, t->r);
	update(t);
	return t;
}

void tree_init(struct tree *t, uint64_t seed)
{
	t->root = NULL;
	t->min = NULL;
	t->rng = seed;
}

static struct tnode *leftmost(struct tnode *n)
{
	if (!n)
		return NULL;
	while (n->l)
		n = n->l;
	return n;
}

/* Inserts n, whose key must differ from every key in the tree. */
void tree_insert(struct tree *t, struct tnode *n)
{
	assert(!n->in);
	n->l = n->r = NULL;
	n->prio = acd_splitmix64(&t->rng);
	update(n);
	t->root = insert(t->root, n);
	n->in = true;
	if (!t->min || tree_keycmp(n->k, t->min->k) < 0)
		t->min = n;
}

/* Removes n (found by its key); a node not in a tree is ignored. */
void tree_remove(struct tree *t, struct tnode *n)
{
	if (!n->in)
		return;
	t->root = erase(t->root, n);
	n->l = n->r = NULL;
	n->in = false;
	if (t->min == n)
		t->min = leftmost(t->root);
}

struct tnode *tree_min(const struct tree *t)
{
	return t->min;
}

/* The first node whose key is strictly greater than k, or NULL. */
struct tnode *tree_after(const struct tree *t, const int64_t k[3])
{
	struct tnode *n = t->root, *best = NULL;

	while (n) {
		if (tree_keycmp(n->k, k) > 0) {
			best = n;
			n = n->l;
		}
		else {
			n = n->r;
		}
	}
	return best;
}

/* Number of nodes whose key is below n's. */
uint32_t tree_rank(const struct tree *t, const struct tnode *n)
{
	const struct tnode *x = t->root;
	uint32_t rank = 0;

	while (x) {
		int c = tree_keycmp(n->k, x->k);

		if (c < 0) {
			x = x->l;
		}
		else if (c > 0) {
			rank += size_of(x->l) + 1;
			x = x->r;
		}
		else {
			return rank + size_of(x->l);
		}
	}
	return rank;
}

/* The node of 0-based rank idx, or NULL. */
struct tnode *tree_select(const struct tree *t, uint32_t idx)
{
	struct tnode *x = t->root;

	while (x) {
		uint32_t ls = size_of(x->l);

		if (idx < ls) {
			x = x->l;
		}
		else if (idx == ls) {
			return x;
		}
		else {
			idx -= ls + 1;
			x = x->r;
		}
	}
	return NULL;
}

/* The first node, in key order, at which the running weight sum exceeds
 * r; NULL when r >= the total weight. */
struct tnode *tree_select_weight(const struct tree *t, uint64_t r)
{
	struct tnode *x = t->root;

	while (x) {
		uint64_t lw = wsum_of(x->l);

		if (r < lw) {
			x = x->l;
		}
		else if (r < lw + x->w) {
			return x;
		}
		else {
			r -= lw + x->w;
			x = x->r;
		}
	}
	return NULL;
}

uint32_t tree_count(const struct tree *t)
{
	return size_of(t->root);
}

uint64_t tree_weight(const struct tree *t)
{
	return wsum_of(t->root);
}
