using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Redwood.Realm.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "characters",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    PlayerId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    NameKey = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ArchivedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CharacterCreatorData = table.Column<string>(type: "TEXT", nullable: false),
                    Metadata = table.Column<string>(type: "TEXT", nullable: false),
                    EquippedInventory = table.Column<string>(type: "TEXT", nullable: false),
                    NonequippedInventory = table.Column<string>(type: "TEXT", nullable: false),
                    Progress = table.Column<string>(type: "TEXT", nullable: false),
                    Data = table.Column<string>(type: "TEXT", nullable: false),
                    AbilitySystem = table.Column<string>(type: "TEXT", nullable: false),
                    RedwoodData = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_characters", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "game_server_proxies",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EndedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    ModeId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    MapId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    ContinuousPlay = table.Column<bool>(type: "INTEGER", nullable: false),
                    PasswordHash = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ShortCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    MaxPlayersPerShard = table.Column<int>(type: "INTEGER", nullable: false),
                    Data = table.Column<string>(type: "TEXT", nullable: false),
                    OwnerPlayerId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Region = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    StartOnBoot = table.Column<bool>(type: "INTEGER", nullable: false),
                    Zones = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: true),
                    NumPlayersToAddShard = table.Column<int>(type: "INTEGER", nullable: false),
                    NumMinutesToDestroyEmptyShard = table.Column<int>(type: "INTEGER", nullable: false),
                    Public = table.Column<bool>(type: "INTEGER", nullable: false),
                    ProxyEndsWhenCollectionEnds = table.Column<bool>(type: "INTEGER", nullable: false),
                    CurrentPlayers = table.Column<int>(type: "INTEGER", nullable: false),
                    ActiveCollectionId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_game_server_proxies", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "global_data",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    Archived = table.Column<bool>(type: "INTEGER", nullable: false),
                    Data = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_global_data", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "global_data",
                columns: new[] { "Id", "Archived", "CreatedAt", "Data", "Description" },
                values: new object[] { 1, false, new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Utc), "{}", "Initial (empty) global data" });

            migrationBuilder.CreateIndex(
                name: "IX_characters_ArchivedAt",
                table: "characters",
                column: "ArchivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_characters_NameKey",
                table: "characters",
                column: "NameKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_characters_PlayerId",
                table: "characters",
                column: "PlayerId");

            migrationBuilder.CreateIndex(
                name: "IX_game_server_proxies_Public_EndedAt",
                table: "game_server_proxies",
                columns: new[] { "Public", "EndedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_game_server_proxies_ShortCode",
                table: "game_server_proxies",
                column: "ShortCode",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "characters");

            migrationBuilder.DropTable(
                name: "game_server_proxies");

            migrationBuilder.DropTable(
                name: "global_data");
        }
    }
}
