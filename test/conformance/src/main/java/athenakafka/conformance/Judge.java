package athenakafka.conformance;

import com.amazonaws.athena.connector.lambda.data.Block;
import com.amazonaws.athena.connector.lambda.data.BlockAllocator;
import com.amazonaws.athena.connector.lambda.data.BlockAllocatorImpl;
import com.amazonaws.athena.connector.lambda.data.BlockUtils;
import com.amazonaws.athena.connector.lambda.data.SchemaBuilder;
import com.amazonaws.athena.connector.lambda.data.SchemaSerDe;
import com.amazonaws.athena.connector.lambda.domain.Split;
import com.amazonaws.athena.connector.lambda.domain.TableName;
import com.amazonaws.athena.connector.lambda.domain.predicate.AllOrNoneValueSet;
import com.amazonaws.athena.connector.lambda.domain.predicate.Constraints;
import com.amazonaws.athena.connector.lambda.domain.predicate.EquatableValueSet;
import com.amazonaws.athena.connector.lambda.domain.predicate.Marker;
import com.amazonaws.athena.connector.lambda.domain.predicate.OrderByField;
import com.amazonaws.athena.connector.lambda.domain.predicate.QueryPlan;
import com.amazonaws.athena.connector.lambda.domain.predicate.Range;
import com.amazonaws.athena.connector.lambda.domain.predicate.SortedRangeSet;
import com.amazonaws.athena.connector.lambda.domain.predicate.ValueSet;
import com.amazonaws.athena.connector.lambda.domain.predicate.expression.ConstantExpression;
import com.amazonaws.athena.connector.lambda.domain.predicate.expression.FederationExpression;
import com.amazonaws.athena.connector.lambda.domain.predicate.expression.FunctionCallExpression;
import com.amazonaws.athena.connector.lambda.domain.predicate.expression.VariableExpression;
import com.amazonaws.athena.connector.lambda.domain.predicate.functions.StandardFunctions;
import com.amazonaws.athena.connector.lambda.domain.spill.S3SpillLocation;
import com.amazonaws.athena.connector.lambda.domain.spill.SpillLocation;
import com.amazonaws.athena.connector.lambda.metadata.GetDataSourceCapabilitiesRequest;
import com.amazonaws.athena.connector.lambda.metadata.GetDataSourceCapabilitiesResponse;
import com.amazonaws.athena.connector.lambda.metadata.GetSplitsRequest;
import com.amazonaws.athena.connector.lambda.metadata.GetSplitsResponse;
import com.amazonaws.athena.connector.lambda.metadata.GetTableLayoutRequest;
import com.amazonaws.athena.connector.lambda.metadata.GetTableLayoutResponse;
import com.amazonaws.athena.connector.lambda.metadata.GetTableRequest;
import com.amazonaws.athena.connector.lambda.metadata.GetTableResponse;
import com.amazonaws.athena.connector.lambda.metadata.ListSchemasRequest;
import com.amazonaws.athena.connector.lambda.metadata.ListSchemasResponse;
import com.amazonaws.athena.connector.lambda.metadata.ListTablesRequest;
import com.amazonaws.athena.connector.lambda.metadata.ListTablesResponse;
import com.amazonaws.athena.connector.lambda.metadata.optimizations.OptimizationSubType;
import com.amazonaws.athena.connector.lambda.records.ReadRecordsRequest;
import com.amazonaws.athena.connector.lambda.records.ReadRecordsResponse;
import com.amazonaws.athena.connector.lambda.records.RemoteReadRecordsResponse;
import com.amazonaws.athena.connector.lambda.request.FederationRequest;
import com.amazonaws.athena.connector.lambda.request.FederationResponse;
import com.amazonaws.athena.connector.lambda.request.PingRequest;
import com.amazonaws.athena.connector.lambda.request.PingResponse;
import com.amazonaws.athena.connector.lambda.security.AesGcmBlockCrypto;
import com.amazonaws.athena.connector.lambda.security.BlockCrypto;
import com.amazonaws.athena.connector.lambda.security.EncryptionKey;
import com.amazonaws.athena.connector.lambda.security.FederatedIdentity;
import com.amazonaws.athena.connector.lambda.security.NoOpBlockCrypto;
import com.amazonaws.athena.connector.lambda.serde.VersionedObjectMapperFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.Types;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import software.amazon.awssdk.services.lambda.model.LambdaException;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The judge of our wire format: it uses only the published Athena Query Federation SDK's API.
 *
 * <pre>
 * requests &lt;outdir&gt;                          sample requests in serde versions 2..6: outdir/v&lt;N&gt;/&lt;Type&gt;.json
 * check-response &lt;version&gt; &lt;file&gt;...        read responses with the SDK's deserializers, print a normalized
 *                                             JSON summary (one file: the summary; several: one line per file);
 *                                             an argument "@N" switches to serde version N for the files after it
 * check-request &lt;version&gt; &lt;file&gt;...         the same for requests
 * read-spill &lt;schema-b64-file&gt; &lt;object-file&gt; &lt;key-b64|-&gt; &lt;nonce-b64|-&gt;
 *                                             decrypt (AesGcmBlockCrypto, or NoOpBlockCrypto for "-") and read a
 *                                             spilled block, print its row count, schema and values
 * </pre>
 * Exit status: 0 on success, 1 when something does not parse, 2 on bad usage.
 */
public final class Judge
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final int MIN_VERSION = 2;
    private static final int MAX_VERSION = 6;

    private Judge() {}

    public static void main(String[] args) throws Exception
    {
        // Keep stdout for our JSON only.
        PrintStream out = System.out;
        System.setOut(System.err);
        if (args.length == 0) {
            usage();
        }
        BlockAllocator allocator = new BlockAllocatorImpl("conformance-judge");
        int status;
        switch (args[0]) {
            case "requests":
                if (args.length != 2) {
                    usage();
                }
                status = writeRequests(allocator, Paths.get(args[1]), out);
                break;
            case "check-response":
            case "check-request":
                if (args.length < 3) {
                    usage();
                }
                status = check(allocator, args[0].equals("check-request"), parseVersion(args[1]),
                        List.of(args).subList(2, args.length), out);
                break;
            case "read-spill":
                if (args.length != 5) {
                    usage();
                }
                status = readSpill(allocator, args[1], args[2], args[3], args[4], out);
                break;
            default:
                usage();
                return;
        }
        out.flush();
        // The allocator is not closed on purpose: blocks of parsed objects are still referenced.
        System.exit(status);
    }

    private static void usage()
    {
        System.err.println("usage: judge requests <outdir>\n"
                + "       judge check-response <version 2..6> <file>...\n"
                + "       judge check-request <version 2..6> <file>...\n"
                + "       judge read-spill <schema-b64-file> <object-file> <key-b64|-> <nonce-b64|->");
        System.exit(2);
    }

    private static int parseVersion(String s)
    {
        int v;
        try {
            v = Integer.parseInt(s);
        }
        catch (NumberFormatException e) {
            v = -1;
        }
        if (v < MIN_VERSION || v > MAX_VERSION) {
            System.err.println("version must be 2..6, not " + s);
            System.exit(2);
        }
        return v;
    }

    // ---------------------------------------------------------------- requests

    static final FederatedIdentity IDENTITY = new FederatedIdentity("arn:aws:iam::123456789012:user/athena-kafka-test",
            "123456789012", Collections.emptyMap(), Collections.emptyList(), Collections.emptyMap());
    static final String CATALOG = "kafka_catalog";
    static final String QUERY_ID = "query-id-0001";
    // The table and topic the sample requests name. A test that sends them to a live connector sets these
    // environment variables to a table it seeded (defaults: default.orders on topic orders).
    static final TableName TABLE = new TableName(env("ATHENA_JUDGE_SCHEMA", "default"), env("ATHENA_JUDGE_TABLE", "orders"));
    static final String TOPIC = env("ATHENA_JUDGE_TOPIC", "orders");
    static final ArrowType INT = new ArrowType.Int(32, true);
    static final ArrowType BIGINT = new ArrowType.Int(64, true);
    static final ArrowType FLOAT8 = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
    static final ArrowType VARCHAR = ArrowType.Utf8.INSTANCE;
    static final ArrowType DATEMILLI = new ArrowType.Date(DateUnit.MILLISECOND);
    static final byte[] KEY = bytes(32, 1);
    static final byte[] NONCE = bytes(12, 101);

    private static String env(String name, String def)
    {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? def : v;
    }

    private static byte[] bytes(int n, int first)
    {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (first + i);
        }
        return b;
    }

    /**
     * A table as our connector describes it: data columns (with the field metadata mapping and type that
     * GetTable returns and Athena echoes in ReadRecords), then Kafka metadata columns.
     */
    static Schema tableSchema()
    {
        return SchemaBuilder.newBuilder()
                .addField(dataField("id", Types.MinorType.INT.getType(), "INTEGER"))
                .addField(dataField("name", VARCHAR, "VARCHAR"))
                .addField(dataField("price", FLOAT8, "DOUBLE"))
                .addField(dataField("active", ArrowType.Bool.INSTANCE, "BOOLEAN"))
                .addField(dataField("created", DATEMILLI, "TIMESTAMP"))
                .addIntField("_partition_id")
                .addBigIntField("_partition_offset")
                .addDateMilliField("_timestamp")
                .addStringField("_key")
                .addMetadata("dataFormat", "json")
                .addMetadata("topic", TOPIC)
                .build();
    }

    static Field dataField(String name, ArrowType type, String typeName)
    {
        Map<String, String> md = new LinkedHashMap<>();
        md.put("mapping", name);
        md.put("type", typeName);
        return new Field(name, new FieldType(true, type, null, md), null);
    }

    static Constraints constraints(BlockAllocator a, int version)
    {
        Map<String, ValueSet> summary = new LinkedHashMap<>();
        summary.put("_partition_id", EquatableValueSet.newBuilder(a, INT, true, false).add(0).add(2).build());
        summary.put("_partition_offset", SortedRangeSet.copyOf(BIGINT,
                List.of(Range.range(a, BIGINT, 10L, true, 20L, false)), false));
        summary.put("price", SortedRangeSet.copyOf(FLOAT8,
                List.of(Range.greaterThan(a, FLOAT8, 1.5)), false));
        summary.put("name", EquatableValueSet.newBuilder(a, VARCHAR, true, true).add("a").add("b").build());
        summary.put("id", SortedRangeSet.copyOf(INT,
                List.of(Range.lessThanOrEqual(a, INT, 5), Range.equal(a, INT, 42)), true));
        summary.put("_key", new AllOrNoneValueSet(VARCHAR, false, true));
        List<FederationExpression> expressions = new ArrayList<>();
        List<OrderByField> orderBy = new ArrayList<>();
        long limit = -1;
        Map<String, String> passthrough = Collections.emptyMap();
        QueryPlan plan = null;
        if (version >= 4) {
            expressions.add(new FunctionCallExpression(ArrowType.Bool.INSTANCE,
                    StandardFunctions.GREATER_THAN_OPERATOR_FUNCTION_NAME.getFunctionName(),
                    List.of(new VariableExpression("price", FLOAT8),
                            new ConstantExpression(BlockUtils.newBlock(a, "col1", FLOAT8, 1.5), FLOAT8))));
            orderBy.add(new OrderByField("_partition_offset", OrderByField.Direction.ASC_NULLS_LAST));
            limit = 1000;
        }
        if (version >= 6) {
            plan = new QueryPlan("1.0.0", "dGVzdC1wbGFu");
        }
        return new Constraints(summary, expressions, orderBy, limit, passthrough, plan);
    }

    static Split split(int partition)
    {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("topic", TOPIC);
        props.put("partition", Integer.toString(partition));
        props.put("startOffset", "10");
        props.put("endOffset", "20");
        SpillLocation spill = new S3SpillLocation("spill-bucket", "athena-spill/" + QUERY_ID + "/split-" + partition, true);
        return new Split(spill, new EncryptionKey(KEY, NONCE), props);
    }

    static Block partitions(BlockAllocator a)
    {
        Schema s = SchemaBuilder.newBuilder().addIntField("partitionId").build();
        Block b = a.createBlock(s);
        for (int i = 0; i < 3; i++) {
            b.setValue("partitionId", i, i);
        }
        b.setRowCount(3);
        return b;
    }

    static Map<String, FederationRequest> requests(BlockAllocator a, int version)
    {
        Map<String, FederationRequest> r = new LinkedHashMap<>();
        r.put("PingRequest", new PingRequest(IDENTITY, CATALOG, QUERY_ID));
        r.put("ListSchemasRequest", new ListSchemasRequest(IDENTITY, QUERY_ID, CATALOG));
        r.put("ListTablesRequest", new ListTablesRequest(IDENTITY, QUERY_ID, CATALOG, TABLE.getSchemaName(), null, 50));
        r.put("GetTableRequest", new GetTableRequest(IDENTITY, QUERY_ID, CATALOG, TABLE, Collections.emptyMap()));
        r.put("GetTableLayoutRequest", new GetTableLayoutRequest(IDENTITY, QUERY_ID, CATALOG, TABLE,
                constraints(a, version), tableSchema(), new LinkedHashSet<>()));
        r.put("GetSplitsRequest", new GetSplitsRequest(IDENTITY, QUERY_ID, CATALOG, TABLE, partitions(a),
                List.of(), constraints(a, version), null));
        // ReadRecordsRequest's constructor takes (identity, catalogName, queryId, ...).
        r.put("ReadRecordsRequest", new ReadRecordsRequest(IDENTITY, CATALOG, QUERY_ID, TABLE, tableSchema(), split(0),
                constraints(a, version), 16_000_000L, 5_242_880L));
        if (version >= 4) {
            r.put("GetDataSourceCapabilitiesRequest", new GetDataSourceCapabilitiesRequest(IDENTITY, QUERY_ID, CATALOG));
        }
        return r;
    }

    static int writeRequests(BlockAllocator a, Path outdir, PrintStream out) throws Exception
    {
        ObjectNode index = F.objectNode();
        for (int v = MIN_VERSION; v <= MAX_VERSION; v++) {
            ObjectMapper mapper = VersionedObjectMapperFactory.create(a, v);
            Path dir = outdir.resolve("v" + v);
            Files.createDirectories(dir);
            ArrayNode names = index.putArray("v" + v);
            for (Map.Entry<String, FederationRequest> e : requests(a, v).entrySet()) {
                byte[] json = mapper.writeValueAsBytes(e.getValue());
                Files.write(dir.resolve(e.getKey() + ".json"), json);
                names.add(e.getKey());
            }
        }
        out.println(JSON.writeValueAsString(index));
        return 0;
    }

    // ---------------------------------------------------------------- check

    /** files: paths, and "@N" arguments that switch to serde version N for the paths after them. */
    static int check(BlockAllocator a, boolean request, int version, List<String> args, PrintStream out)
    {
        ObjectMapper mapper = VersionedObjectMapperFactory.create(a, version);
        List<String> files = new ArrayList<>();
        args.forEach(x -> {
            if (!x.startsWith("@")) {
                files.add(x);
            }
        });
        boolean lines = files.size() != 1 || args.size() != 1;
        int status = 0;
        for (String file : args) {
            if (file.startsWith("@")) {
                version = parseVersion(file.substring(1));
                mapper = VersionedObjectMapperFactory.create(a, version);
                continue;
            }
            ObjectNode result;
            try {
                byte[] bytes = Files.readAllBytes(Paths.get(file));
                result = request ? summarizeRequest(mapper, bytes) : summarizeResponse(mapper, bytes);
            }
            catch (Exception | Error e) {
                status = 1;
                result = F.objectNode();
                result.put("error", e.getClass().getName() + ": " + e.getMessage());
            }
            if (!lines) {
                if (result.has("error")) {
                    System.err.println(file + ": " + result.get("error").asText());
                }
                print(out, result);
            }
            else {
                ObjectNode line = F.objectNode();
                line.put("file", file);
                line.put("version", version);
                line.put("ok", !result.has("error"));
                line.set(result.has("error") ? "error" : "summary", result.has("error") ? result.get("error") : result);
                out.println(line.toString());
            }
        }
        return status;
    }

    private static void print(PrintStream out, JsonNode n)
    {
        try {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n));
        }
        catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    static ObjectNode summarizeResponse(ObjectMapper mapper, byte[] bytes) throws Exception
    {
        JsonNode tree = JSON.readTree(bytes);
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        ObjectNode s = F.objectNode();
        if (tree.has("errorMessage") && tree.has("errorType") && !tree.has("@type")) {
            LambdaException e = mapper.readValue(bytes, LambdaException.class);
            s.put("type", "LambdaException");
            s.putObject("fields").put("message", e.getMessage());
            return s;
        }
        FederationResponse r = mapper.readValue(bytes, FederationResponse.class);
        s.put("type", r.getClass().getSimpleName());
        ObjectNode f = s.putObject("fields");
        ObjectNode blocks = F.objectNode();
        Schema schema = null;
        if (r instanceof PingResponse) {
            PingResponse p = (PingResponse) r;
            f.put("catalogName", p.getCatalogName());
            f.put("queryId", p.getQueryId());
            f.put("sourceType", p.getSourceType());
            f.put("capabilities", p.getCapabilities());
            f.put("serDeVersion", p.getSerDeVersion());
        }
        else if (r instanceof ListSchemasResponse) {
            ListSchemasResponse p = (ListSchemasResponse) r;
            f.put("catalogName", p.getCatalogName());
            ArrayNode a = f.putArray("schemas");
            p.getSchemas().forEach(a::add);
        }
        else if (r instanceof ListTablesResponse) {
            ListTablesResponse p = (ListTablesResponse) r;
            f.put("catalogName", p.getCatalogName());
            ArrayNode a = f.putArray("tables");
            p.getTables().forEach(t -> a.add(table(t)));
            f.put("nextToken", p.getNextToken());
        }
        else if (r instanceof GetTableResponse) {
            GetTableResponse p = (GetTableResponse) r;
            f.put("catalogName", p.getCatalogName());
            f.set("tableName", table(p.getTableName()));
            ArrayNode a = f.putArray("partitionColumns");
            p.getPartitionColumns().stream().sorted().forEach(a::add);
            schema = p.getSchema();
        }
        else if (r instanceof GetTableLayoutResponse) {
            GetTableLayoutResponse p = (GetTableLayoutResponse) r;
            f.put("catalogName", p.getCatalogName());
            f.set("tableName", table(p.getTableName()));
            blocks.set("partitions", block(p.getPartitions()));
        }
        else if (r instanceof GetSplitsResponse) {
            GetSplitsResponse p = (GetSplitsResponse) r;
            f.put("catalogName", p.getCatalogName());
            List<ObjectNode> splits = new ArrayList<>();
            p.getSplits().forEach(x -> splits.add(split(x)));
            splits.sort((x, y) -> x.toString().compareTo(y.toString()));
            f.putArray("splits").addAll(splits);
            f.put("continuationToken", p.getContinuationToken());
        }
        else if (r instanceof ReadRecordsResponse) {
            ReadRecordsResponse p = (ReadRecordsResponse) r;
            f.put("catalogName", p.getCatalogName());
            f.put("recordCount", p.getRecordCount());
            blocks.set("records", block(p.getRecords()));
            schema = p.getSchema();
        }
        else if (r instanceof RemoteReadRecordsResponse) {
            RemoteReadRecordsResponse p = (RemoteReadRecordsResponse) r;
            f.put("catalogName", p.getCatalogName());
            ArrayNode a = f.putArray("remoteBlocks");
            p.getRemoteBlocks().forEach(l -> a.add(spillLocation(l)));
            f.set("encryptionKey", encryptionKey(p.getEncryptionKey()));
            schema = p.getSchema();
        }
        else if (r instanceof GetDataSourceCapabilitiesResponse) {
            GetDataSourceCapabilitiesResponse p = (GetDataSourceCapabilitiesResponse) r;
            f.put("catalogName", p.getCatalogName());
            ObjectNode caps = f.putObject("capabilities");
            new TreeMap<>(p.getCapabilities()).forEach((name, subs) -> {
                ArrayNode a = caps.putArray(name);
                for (OptimizationSubType st : subs) {
                    ObjectNode o = a.addObject();
                    o.put("subType", st.getSubType());
                    ArrayNode props = o.putArray("properties");
                    st.getProperties().forEach(props::add);
                }
            });
        }
        else {
            f.put("toString", r.toString());
        }
        if (schema != null) {
            s.set("schema", schema(schema));
        }
        if (blocks.size() > 0) {
            s.set("blocks", blocks);
        }
        return s;
    }

    static ObjectNode summarizeRequest(ObjectMapper mapper, byte[] bytes) throws Exception
    {
        FederationRequest r = mapper.readValue(bytes, FederationRequest.class);
        ObjectNode s = F.objectNode();
        s.put("type", r.getClass().getSimpleName());
        ObjectNode f = s.putObject("fields");
        f.put("toString", r.toString());
        if (r instanceof ReadRecordsRequest) {
            ReadRecordsRequest p = (ReadRecordsRequest) r;
            f.set("tableName", table(p.getTableName()));
            f.set("split", split(p.getSplit()));
            f.put("maxBlockSize", p.getMaxBlockSize());
            f.put("maxInlineBlockSize", p.getMaxInlineBlockSize());
            f.set("constraints", constraintsSummary(p.getConstraints()));
            s.set("schema", schema(p.getSchema()));
        }
        else if (r instanceof GetSplitsRequest) {
            GetSplitsRequest p = (GetSplitsRequest) r;
            f.set("tableName", table(p.getTableName()));
            f.set("constraints", constraintsSummary(p.getConstraints()));
            f.put("continuationToken", p.getContinuationToken());
            s.putObject("blocks").set("partitions", block(p.getPartitions()));
        }
        else if (r instanceof GetTableLayoutRequest) {
            GetTableLayoutRequest p = (GetTableLayoutRequest) r;
            f.set("tableName", table(p.getTableName()));
            f.set("constraints", constraintsSummary(p.getConstraints()));
            s.set("schema", schema(p.getSchema()));
        }
        return s;
    }

    static ObjectNode constraintsSummary(Constraints c)
    {
        ObjectNode o = F.objectNode();
        ObjectNode summary = o.putObject("summary");
        new TreeMap<>(c.getSummary()).forEach((col, vs) -> {
            ObjectNode v = summary.putObject(col);
            v.put("type", vs.getClass().getSimpleName());
            v.put("arrowType", vs.getType().toString());
            v.put("nullAllowed", vs.isNullAllowed());
            if (vs instanceof EquatableValueSet) {
                EquatableValueSet e = (EquatableValueSet) vs;
                v.put("whiteList", e.isWhiteList());
                v.set("values", block(e.getValueBlock()).get("rows"));
            }
            else if (vs instanceof SortedRangeSet) {
                ArrayNode ranges = v.putArray("ranges");
                for (Range rg : ((SortedRangeSet) vs).getOrderedRanges()) {
                    ObjectNode ro = ranges.addObject();
                    ro.set("low", marker(rg.getLow()));
                    ro.set("high", marker(rg.getHigh()));
                }
            }
            else if (vs instanceof AllOrNoneValueSet) {
                v.put("all", vs.isAll());
            }
        });
        o.put("expressions", c.getExpression() == null ? 0 : c.getExpression().size());
        ArrayNode ob = o.putArray("orderBy");
        if (c.getOrderByClause() != null) {
            c.getOrderByClause().forEach(x -> ob.add(x.getColumnName() + " " + x.getDirection().name()));
        }
        o.put("limit", c.getLimit());
        ObjectNode qpt = o.putObject("queryPassthroughArguments");
        if (c.getQueryPassthroughArguments() != null) {
            new TreeMap<>(c.getQueryPassthroughArguments()).forEach(qpt::put);
        }
        if (c.getQueryPlan() != null) {
            o.putObject("queryPlan").put("substraitVersion", c.getQueryPlan().getSubstraitVersion())
                    .put("substraitPlan", c.getQueryPlan().getSubstraitPlan());
        }
        else {
            o.putNull("queryPlan");
        }
        return o;
    }

    static ObjectNode marker(Marker m)
    {
        ObjectNode o = F.objectNode();
        o.put("bound", m.getBound().name());
        o.put("nullValue", m.isNullValue());
        if (m.isNullValue()) {
            o.putNull("value");
        }
        else {
            o.set("value", json(m.getValue()));
        }
        return o;
    }

    // ---------------------------------------------------------------- read-spill

    static int readSpill(BlockAllocator a, String schemaFile, String objectFile, String keyB64, String nonceB64,
            PrintStream out)
    {
        try {
            String b64 = new String(Files.readAllBytes(Paths.get(schemaFile)), StandardCharsets.UTF_8).trim();
            if (b64.startsWith("\"")) { // accept a JSON string as well
                b64 = JSON.readValue(b64, String.class);
            }
            Schema schema = new SchemaSerDe().deserialize(new ByteArrayInputStream(Base64.getDecoder().decode(b64)));
            byte[] object = Files.readAllBytes(Paths.get(objectFile));
            BlockCrypto crypto;
            EncryptionKey key = null;
            if ("-".equals(keyB64)) {
                crypto = new NoOpBlockCrypto(a);
            }
            else {
                key = new EncryptionKey(Base64.getDecoder().decode(keyB64), Base64.getDecoder().decode(nonceB64));
                crypto = new AesGcmBlockCrypto(a);
            }
            Block block = crypto.decrypt(key, object, schema);
            ObjectNode s = F.objectNode();
            s.put("type", "SpilledBlock");
            s.put("crypto", crypto.getClass().getSimpleName());
            s.put("rowCount", block.getRowCount());
            s.set("schema", schema(schema));
            s.putObject("blocks").set("records", block(block));
            print(out, s);
            return 0;
        }
        catch (Exception | Error e) {
            System.err.println("read-spill: " + e.getClass().getName() + ": " + e.getMessage());
            ObjectNode s = F.objectNode();
            s.put("error", e.getClass().getName() + ": " + e.getMessage());
            print(out, s);
            return 1;
        }
    }

    // ---------------------------------------------------------------- normalization

    static ObjectNode table(TableName t)
    {
        ObjectNode o = F.objectNode();
        o.put("schemaName", t.getSchemaName());
        o.put("tableName", t.getTableName());
        return o;
    }

    static ObjectNode spillLocation(SpillLocation l)
    {
        ObjectNode o = F.objectNode();
        o.put("type", l.getClass().getSimpleName());
        if (l instanceof S3SpillLocation) {
            S3SpillLocation s = (S3SpillLocation) l;
            o.put("bucket", s.getBucket());
            o.put("key", s.getKey());
            o.put("directory", s.isDirectory());
        }
        return o;
    }

    static JsonNode encryptionKey(EncryptionKey k)
    {
        if (k == null) {
            return F.nullNode();
        }
        ObjectNode o = F.objectNode();
        o.put("key", Base64.getEncoder().encodeToString(k.getKey()));
        o.put("nonce", Base64.getEncoder().encodeToString(k.getNonce()));
        return o;
    }

    static ObjectNode split(Split x)
    {
        ObjectNode o = F.objectNode();
        o.set("spillLocation", x.getSpillLocation() == null ? F.nullNode() : spillLocation(x.getSpillLocation()));
        o.set("encryptionKey", encryptionKey(x.getEncryptionKey()));
        ObjectNode p = o.putObject("properties");
        new TreeMap<>(x.getProperties()).forEach(p::put);
        return o;
    }

    static ObjectNode schema(Schema s)
    {
        ObjectNode o = F.objectNode();
        ArrayNode fields = o.putArray("fields");
        s.getFields().forEach(f -> fields.add(field(f)));
        ObjectNode md = o.putObject("metadata");
        if (s.getCustomMetadata() != null) {
            new TreeMap<>(s.getCustomMetadata()).forEach(md::put);
        }
        return o;
    }

    static ObjectNode field(Field f)
    {
        ObjectNode o = F.objectNode();
        o.put("name", f.getName());
        o.put("type", f.getType().toString());
        o.put("nullable", f.isNullable());
        ObjectNode md = o.putObject("metadata");
        if (f.getMetadata() != null) {
            new TreeMap<>(f.getMetadata()).forEach(md::put);
        }
        if (!f.getChildren().isEmpty()) {
            ArrayNode c = o.putArray("children");
            f.getChildren().forEach(ch -> c.add(field(ch)));
        }
        return o;
    }

    /** rowCount, schema and rows (one JSON array per row, values in schema order). */
    static ObjectNode block(Block b)
    {
        ObjectNode o = F.objectNode();
        if (b == null) {
            o.putNull("rowCount");
            return o;
        }
        o.put("rowCount", b.getRowCount());
        o.set("schema", schema(b.getSchema()));
        ArrayNode rows = o.putArray("rows");
        List<FieldVector> vectors = b.getFieldVectors();
        for (int i = 0; i < b.getRowCount(); i++) {
            ArrayNode row = rows.addArray();
            for (FieldVector v : vectors) {
                row.add(value(v, i));
            }
        }
        return o;
    }

    /** Dates and timestamps as their raw numbers (days, milliseconds, or the timestamp's unit); decimals as strings. */
    static JsonNode value(FieldVector v, int i)
    {
        if (v.isNull(i)) {
            return F.nullNode();
        }
        Types.MinorType t = v.getMinorType();
        switch (t) {
            case DATEMILLI:
                return F.numberNode(((DateMilliVector) v).get(i));
            case DATEDAY:
                return F.numberNode(((DateDayVector) v).get(i));
            case DECIMAL:
                return F.textNode(((DecimalVector) v).getObject(i).toPlainString());
            case VARBINARY:
                return F.textNode(Base64.getEncoder().encodeToString(((VarBinaryVector) v).get(i)));
            default:
                if (v instanceof TimeStampVector) {
                    return F.numberNode(((TimeStampVector) v).get(i));
                }
                return json(v.getObject(i));
        }
    }

    static JsonNode json(Object x)
    {
        if (x == null) {
            return F.nullNode();
        }
        if (x instanceof Boolean) {
            return F.booleanNode((Boolean) x);
        }
        if (x instanceof Double || x instanceof Float) {
            double d = ((Number) x).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return F.textNode(Double.toString(d));
            }
            return x instanceof Float ? F.numberNode((Float) x) : F.numberNode(d);
        }
        if (x instanceof BigDecimal) {
            return F.textNode(((BigDecimal) x).toPlainString());
        }
        if (x instanceof Number) {
            return F.numberNode(((Number) x).longValue());
        }
        if (x instanceof byte[]) {
            return F.textNode(Base64.getEncoder().encodeToString((byte[]) x));
        }
        if (x instanceof TemporalAccessor) {
            return F.textNode(x.toString());
        }
        if (x instanceof List) {
            ArrayNode a = F.arrayNode();
            ((List<?>) x).forEach(e -> a.add(json(e)));
            return a;
        }
        if (x instanceof Map) {
            ObjectNode o = F.objectNode();
            ((Map<?, ?>) x).forEach((k, v) -> o.set(String.valueOf(k), json(v)));
            return o;
        }
        return F.textNode(x.toString()); // Text (Utf8) and anything else
    }
}
