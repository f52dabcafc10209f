package io.github.vicregstreams.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.Bits;

/**
 * The Lucene side of the index: one directory, one document per (version, id) keyed {@code
 * <version>/<id>}, and one vector field with its own HNSW graph per version, so that a search of a
 * version never sees another version's vectors and one commit covers all of them atomically.
 *
 * <p>Vectors arrive scaled to unit length ({@link UnitVectors}), so the dot product Lucene compares
 * them by is their cosine, the similarity of the project's offline kNN ({@code
 * eval.KnnClassifier}).
 *
 * <p>Writes come from one thread (the consumer's); searches from any thread, on the reader of the
 * last {@link #refresh()}. {@link #close()} discards what was not committed.
 */
final class VectorStore implements AutoCloseable {

    /** HNSW neighbours per node: twice Lucene's default, for a graph closer to exact search. */
    static final int MAX_CONN = 32;

    /** HNSW candidates while building: twice Lucene's default, for the same reason. */
    static final int BEAM_WIDTH = 200;

    /** The most dimensions Lucene's HNSW format takes ({@code getMaxDimensions}). */
    static final int MAX_DIMENSIONS = 1024;

    private static final String KEY = "key";
    private static final String ID = "id";
    private static final String VERSION = "version";
    private static final String METADATA = "metadata";
    private static final String VECTOR_PREFIX = "embedding.v";

    private final FSDirectory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;

    /** Dimension by version: fixed by the version's first vector, as Lucene fixes it per field. */
    private final Map<Long, Integer> dimensions = new HashMap<>();

    /** One vector neighbour of a search: its id, its cosine to the query, its metadata JSON. */
    record Hit(String id, float cosine, String metadata) {}

    private VectorStore(FSDirectory directory, IndexWriter writer) throws IOException {
        this.directory = directory;
        this.writer = writer;
        this.searchers = new SearcherManager(writer, null);
        IndexSearcher searcher = searchers.acquire();
        try {
            for (FieldInfo field : FieldInfos.getMergedFieldInfos(searcher.getIndexReader())) {
                if (field.name.startsWith(VECTOR_PREFIX) && field.getVectorDimension() > 0) {
                    dimensions.put(
                            Long.parseLong(field.name.substring(VECTOR_PREFIX.length())),
                            field.getVectorDimension());
                }
            }
        } finally {
            searchers.release(searcher);
        }
    }

    /**
     * Opens the store in {@code dir}, creating the directory and an empty index if needed.
     *
     * @throws IllegalStateException if another process (or store) holds the directory
     */
    static VectorStore open(Path dir) {
        try {
            Files.createDirectories(dir);
            FSDirectory directory = FSDirectory.open(dir);
            IndexWriterConfig config = new IndexWriterConfig();
            config.setCodec(new HnswCodec());
            config.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
            // A crash, or a close without commit, must leave the index at its last commit: the
            // offsets in that commit's user data say what to read again.
            config.setCommitOnClose(false);
            IndexWriter writer;
            try {
                writer = new IndexWriter(directory, config);
            } catch (LockObtainFailedException e) {
                directory.close();
                throw new IllegalStateException(
                        "The index directory "
                                + dir
                                + " is in use by another index (its write.lock is held). Stop that"
                                + " one, or give another --index-dir.",
                        e);
            }
            return new VectorStore(directory, writer);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not open the index in " + dir, e);
        }
    }

    /** The user data of the commit the store opened at, or of its last {@link #commit}. */
    Map<String, String> commitData() {
        Map<String, String> data = new HashMap<>();
        Iterable<Map.Entry<String, String>> live = writer.getLiveCommitData();
        if (live != null) {
            live.forEach(e -> data.put(e.getKey(), e.getValue()));
        }
        return data;
    }

    /** The dimension of a version's vectors, or 0 while it has none. */
    synchronized int dimension(long version) {
        return dimensions.getOrDefault(version, 0);
    }

    /** The versions that have had vectors, ascending (deleted ones stay until a restart). */
    synchronized SortedSet<Long> versions() {
        return new TreeSet<>(dimensions.keySet());
    }

    /**
     * Adds or replaces the vector of {@code id} in {@code version}.
     *
     * @param unitVector of length 1, and of the version's dimension once it has one
     * @param metadata the event's metadata JSON, or null
     */
    void upsert(long version, String id, float[] unitVector, String metadata) {
        synchronized (this) {
            int dimension = dimensions.computeIfAbsent(version, v -> unitVector.length);
            if (dimension != unitVector.length) {
                throw new IllegalArgumentException(
                        "wrong dimension: version "
                                + version
                                + " holds vectors of "
                                + dimension
                                + " values. Got: "
                                + unitVector.length);
            }
        }
        Document doc = new Document();
        doc.add(new StringField(KEY, key(version, id), Field.Store.NO));
        doc.add(new StringField(VERSION, Long.toString(version), Field.Store.NO));
        doc.add(new StoredField(ID, id));
        if (metadata != null) {
            doc.add(new StoredField(METADATA, metadata));
        }
        doc.add(
                new KnnFloatVectorField(
                        vectorField(version), unitVector, VectorSimilarityFunction.DOT_PRODUCT));
        try {
            writer.updateDocument(new Term(KEY, key(version, id)), doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes every vector of {@code version}. */
    void deleteVersion(long version) {
        try {
            writer.deleteDocuments(new Term(VERSION, Long.toString(version)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes the writes so far visible to searches. */
    void refresh() {
        try {
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Commits every write so far with {@code data} as the commit's user data, atomically. */
    void commit(Map<String, String> data) {
        try {
            writer.setLiveCommitData(Map.copyOf(data).entrySet());
            writer.commit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many ids {@code version} holds, as of the last refresh. */
    int count(long version) {
        return withSearcher(s -> s.count(new TermQuery(versionTerm(version))));
    }

    /** The ids {@code version} holds, as of the last refresh, in index order. */
    Set<String> ids(long version) {
        return withSearcher(
                s -> {
                    Set<String> ids = new LinkedHashSet<>();
                    for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
                        PostingsEnum docs = leaf.reader().postings(versionTerm(version));
                        if (docs == null) {
                            continue;
                        }
                        Bits live = leaf.reader().getLiveDocs();
                        StoredFields stored = leaf.reader().storedFields();
                        for (int doc = docs.nextDoc();
                                doc != DocIdSetIterator.NO_MORE_DOCS;
                                doc = docs.nextDoc()) {
                            if (live == null || live.get(doc)) {
                                ids.add(stored.document(doc, Set.of(ID)).get(ID));
                            }
                        }
                    }
                    return ids;
                });
    }

    /** The stored unit vector of {@code id} in {@code version}, or null if it holds none. */
    float[] vector(long version, String id) {
        return withSearcher(
                s -> {
                    TopDocs top = s.search(new TermQuery(new Term(KEY, key(version, id))), 1);
                    if (top.scoreDocs.length == 0) {
                        return null;
                    }
                    int doc = top.scoreDocs[0].doc;
                    List<LeafReaderContext> leaves = s.getIndexReader().leaves();
                    LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
                    FloatVectorValues values =
                            leaf.reader().getFloatVectorValues(vectorField(version));
                    if (values == null
                            || values.advance(doc - leaf.docBase) != doc - leaf.docBase) {
                        return null;
                    }
                    return values.vectorValue().clone();
                });
    }

    /**
     * The {@code k} vectors of {@code version} nearest to {@code unitQuery} among the {@code
     * candidates} that HNSW finds, most similar first, less the one of {@code exclude}.
     *
     * @param exclude an id to leave out, or null
     */
    List<Hit> search(long version, float[] unitQuery, int candidates, int k, String exclude) {
        return withSearcher(
                s -> {
                    TopDocs top =
                            s.search(
                                    new KnnFloatVectorQuery(
                                            vectorField(version), unitQuery, candidates),
                                    candidates);
                    StoredFields stored = s.storedFields();
                    List<Hit> hits = new ArrayList<>(k);
                    // Stored fields are read for the hits returned only: decompressing them is
                    // what a search costs most after the graph walk.
                    for (ScoreDoc hit : top.scoreDocs) {
                        if (hits.size() == k) {
                            break;
                        }
                        Document doc = stored.document(hit.doc, Set.of(ID, METADATA));
                        if (doc.get(ID).equals(exclude)) {
                            continue;
                        }
                        // Lucene scores a dot product d as (1 + d) / 2, to keep scores positive.
                        hits.add(new Hit(doc.get(ID), 2 * hit.score - 1, doc.get(METADATA)));
                    }
                    return hits;
                });
    }

    @Override
    public void close() {
        try {
            try {
                searchers.close();
            } finally {
                try {
                    writer.rollback();
                } finally {
                    directory.close();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String key(long version, String id) {
        return version + "/" + id;
    }

    private static Term versionTerm(long version) {
        return new Term(VERSION, Long.toString(version));
    }

    private static String vectorField(long version) {
        return VECTOR_PREFIX + version;
    }

    /** A read of the current searcher. */
    @FunctionalInterface
    private interface Read<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    private <T> T withSearcher(Read<T> read) {
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                return read.apply(searcher);
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Lucene's codec with a denser HNSW graph for every vector field. Only writing needs it: the
     * graph's parameters are not part of the file format, so Lucene's default codec reads the
     * index.
     */
    static final class HnswCodec extends Lucene912Codec {
        private final KnnVectorsFormat vectors =
                new Lucene99HnswVectorsFormat(MAX_CONN, BEAM_WIDTH);

        @Override
        public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            return vectors;
        }
    }
}
