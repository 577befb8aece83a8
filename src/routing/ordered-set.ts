// An ordered set with rank queries (a treap with subtree sizes): the router needs "best first",
// "first that matches", and "how many are ahead of this one" (queue position), all in O(log n).
// Weights come from a seeded generator so runs are reproducible.

interface Node<K> {
  key: K;
  weight: number;
  size: number;
  left: Node<K> | undefined;
  right: Node<K> | undefined;
}

const size = <K>(n: Node<K> | undefined): number => (n === undefined ? 0 : n.size);

function resize<K>(n: Node<K>): Node<K> {
  n.size = 1 + size(n.left) + size(n.right);
  return n;
}

export class OrderedSet<K> {
  #root: Node<K> | undefined;
  #seed: number;
  readonly #compare: (a: K, b: K) => number;

  /** `compare` must be a total order over the keys held: 0 only for the same element. */
  constructor(compare: (a: K, b: K) => number, seed = 0x9e3779b9) {
    this.#compare = compare;
    this.#seed = seed | 0 || 1;
  }

  get size(): number {
    return size(this.#root);
  }

  add(key: K): void {
    const node: Node<K> = { key, weight: this.#nextWeight(), size: 1, left: undefined, right: undefined };
    this.#root = this.#insert(this.#root, node);
  }

  /** Removes the element equal to `key`; its ordering fields must not have changed since `add`. */
  delete(key: K): boolean {
    const before = this.size;
    this.#root = this.#remove(this.#root, key);
    return this.size !== before;
  }

  first(): K | undefined {
    let n = this.#root;
    if (n === undefined) return undefined;
    while (n.left !== undefined) n = n.left;
    return n.key;
  }

  /** The first element, in order, for which `accept` holds. */
  find(accept: (key: K) => boolean): K | undefined {
    for (const key of this) if (accept(key)) return key;
    return undefined;
  }

  /** How many elements order before `key`. */
  countBefore(key: K): number {
    let count = 0;
    let n = this.#root;
    while (n !== undefined) {
      const c = this.#compare(key, n.key);
      if (c <= 0) n = n.left;
      else {
        count += size(n.left) + 1;
        n = n.right;
      }
    }
    return count;
  }

  *[Symbol.iterator](): Generator<K> {
    const stack: Node<K>[] = [];
    let n = this.#root;
    while (n !== undefined || stack.length > 0) {
      while (n !== undefined) {
        stack.push(n);
        n = n.left;
      }
      const top = stack.pop();
      if (top === undefined) return;
      yield top.key;
      n = top.right;
    }
  }

  #nextWeight(): number {
    // xorshift32
    let x = this.#seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#seed = x;
    return x >>> 0;
  }

  #insert(n: Node<K> | undefined, node: Node<K>): Node<K> {
    if (n === undefined) return node;
    if (node.weight > n.weight) {
      const [l, r] = this.#split(n, node.key);
      node.left = l;
      node.right = r;
      return resize(node);
    }
    if (this.#compare(node.key, n.key) < 0) n.left = this.#insert(n.left, node);
    else n.right = this.#insert(n.right, node);
    return resize(n);
  }

  /** Splits into (< key, >= key). */
  #split(n: Node<K> | undefined, key: K): [Node<K> | undefined, Node<K> | undefined] {
    if (n === undefined) return [undefined, undefined];
    if (this.#compare(n.key, key) < 0) {
      const [l, r] = this.#split(n.right, key);
      n.right = l;
      return [resize(n), r];
    }
    const [l, r] = this.#split(n.left, key);
    n.left = r;
    return [l, resize(n)];
  }

  #merge(a: Node<K> | undefined, b: Node<K> | undefined): Node<K> | undefined {
    if (a === undefined) return b;
    if (b === undefined) return a;
    if (a.weight > b.weight) {
      a.right = this.#merge(a.right, b);
      return resize(a);
    }
    b.left = this.#merge(a, b.left);
    return resize(b);
  }

  #remove(n: Node<K> | undefined, key: K): Node<K> | undefined {
    if (n === undefined) return undefined;
    const c = this.#compare(key, n.key);
    if (c === 0) return this.#merge(n.left, n.right);
    if (c < 0) n.left = this.#remove(n.left, key);
    else n.right = this.#remove(n.right, key);
    return resize(n);
  }
}
